"""A large, realistic data set for measuring speed (`manage.py generate_data`).

`reference` makes sure the catalog, service network and staff it draws on exist;
`calendar` holds when requests come in (seasons, weekdays, 春节); `generator` writes
customers, units, requests, visits, surveys and timeline events in bulk.
"""
