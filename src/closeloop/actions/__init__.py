"""The action layer: every action on an item declared once (``registry``), who may take it
(``access``), and what it asks for (``inputs``). The item page and the API are generated from it."""
