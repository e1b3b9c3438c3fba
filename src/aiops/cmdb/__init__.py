"""The CMDB: load `cmdb.yaml` (and CSV imports), view it as a graph, export it.

    cmdb.yaml ──load_cmdb──► Cmdb ──Topology──► distance / neighbours / up- & downstream
    cis.csv ──import_cis_csv──► [ConfigurationItem]       Cmdb ──to_dot / to_mermaid──► text

`load_policies` lives here too: both files are the service manager's YAML and share
the loader's error reporting.
"""

from aiops.cmdb.csv_import import import_cis_csv
from aiops.cmdb.export import to_dot, to_mermaid
from aiops.cmdb.loader import load_cmdb, load_policies
from aiops.cmdb.topology import Topology

__all__ = ["Topology", "import_cis_csv", "load_cmdb", "load_policies", "to_dot", "to_mermaid"]
