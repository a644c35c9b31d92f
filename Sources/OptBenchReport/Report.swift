// placeholder so the target builds until the report lands
