// Grafeo's SHOW INDEXES takes no YIELD; it lists name, type, label and property.
SHOW INDEXES
