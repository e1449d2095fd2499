"""Writes and business rules of logistics, one module per topic:

- `shipping`: quotes are read in `logistics.quotes`; shipping an order (one or a batch) creates the
  shipment with its waybill number and label.
- `tracking`: tracking events (carrier callbacks, by hand, the platform's own), the shipment's status,
  delivery.
- `customs`: the declaration prepared at payment and the three-document match at the border.
- `deadlines`: the job that records late shipments and late deliveries.
- `templates`: the stores' shipping templates (the fee the shopper pays).
"""
