"""Kyverno's custom JMESPath functions, one module per family; each exports ENTRIES and a mixin."""
