"""aiops-custom-agent: AIOps for ITIL 4 services.

Data moves one way through stage packages:
sources → normalize → detect → correlate → diagnose → decide (agents) → act.
`model` holds the types every stage shares; `store`, `bus` and `web` sit beside the flow.
"""

__version__ = "0.1.0"
