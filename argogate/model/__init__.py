"""Pure data: resources, policies and results. No behaviour beyond accessors."""
