"""Icons, style sheet, translations and the page's own small JS/CSS."""
