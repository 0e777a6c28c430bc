"""Reading the HTML a view returned, the way a person reads the page."""

from django.test.html import Element, parse_html


def albero(risposta):
    return parse_html(risposta.content.decode())


def elementi(nodo):
    yield nodo
    for figlio in nodo.children:
        if isinstance(figlio, Element):
            yield from elementi(figlio)


def trova(nodo, tag=None, **attributi):
    """Elements under `nodo` with the tag and attributes (data_testid → data-testid)."""
    if not isinstance(nodo, Element):
        nodo = albero(nodo)
    attesi = {k.replace("_", "-"): v for k, v in attributi.items()}
    return [
        el
        for el in elementi(nodo)
        if (tag is None or el.name == tag)
        and all(dict(el.attributes).get(k) == v for k, v in attesi.items())
    ]


def uno(nodo, tag=None, **attributi):
    trovati = trova(nodo, tag, **attributi)
    assert len(trovati) == 1, f"{len(trovati)} elementi {tag} {attributi}"
    return trovati[0]


def testo_visibile(nodo):
    parti = [testo_visibile(f) if isinstance(f, Element) else f for f in nodo.children]
    return " ".join(" ".join(parti).split())


# Import it under a name that does not start with "test", or pytest collects it as a test.
testo = testo_visibile
