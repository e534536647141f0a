"""Settlement: the commercial plan, monthly invoices and commissions (pure domain)."""
