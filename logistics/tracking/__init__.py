"""Tracking as people see it: the public tracking page and API, the carriers' signed callback
endpoint, the shipment views of the store's API, and the page to add an event by hand. The rules are
in `logistics.services.tracking`."""
