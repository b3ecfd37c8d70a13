"""JSON API of the catalog: categories, products, spare parts and fault codes."""
