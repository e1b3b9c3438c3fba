"""How stages hand work on. In-process batching queue by default; NATS JetStream to scale out."""
