"""What a site's form plugin can tell about its forms (ids, titles, fields), so a mapping can be written from it."""
