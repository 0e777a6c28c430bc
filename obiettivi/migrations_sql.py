"""Database triggers that keep every yearly figure inside its plan's period.

A CHECK constraint cannot look at another table, and the period's years live on Periodo: a
trigger refuses a resource, a target or a measured value whose year falls outside the period of
its objective, whatever wrote it (a form, an import, the admin, a script). Both databases raise
an integrity error, which Django reports as IntegrityError.
"""

_TABELLE = {
    # table: SQL giving the objective's id from the NEW row
    "obiettivi_risorsa": "NEW.obiettivo_id",
    "obiettivi_valoreindicatore": (
        "(SELECT i.obiettivo_id FROM obiettivi_indicatore i WHERE i.id = NEW.indicatore_id)"
    ),
}

_PERIODO = (
    "SELECT p.{colonna} FROM obiettivi_obiettivo o "
    "JOIN obiettivi_periodo p ON p.id = o.periodo_id WHERE o.id = {obiettivo}"
)


def _postgresql():
    crea, elimina = [], []
    for tabella, obiettivo in _TABELLE.items():
        funzione = f"{tabella}_anno_nel_periodo"
        crea.append(
            f"""
            CREATE FUNCTION {funzione}() RETURNS trigger AS $$
            DECLARE inizio integer; fine integer;
            BEGIN
                SELECT p.anno_inizio, p.anno_fine INTO inizio, fine
                FROM obiettivi_obiettivo o JOIN obiettivi_periodo p ON p.id = o.periodo_id
                WHERE o.id = {obiettivo};
                IF NEW.anno < inizio OR NEW.anno > fine THEN
                    RAISE EXCEPTION 'anno % fuori dal periodo del piano (%-%)',
                        NEW.anno, inizio, fine USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql
            """
        )
        crea.append(
            f"CREATE TRIGGER {funzione} BEFORE INSERT OR UPDATE ON {tabella} "
            f"FOR EACH ROW EXECUTE FUNCTION {funzione}()"
        )
        elimina.append(f"DROP TRIGGER IF EXISTS {funzione} ON {tabella}")
        elimina.append(f"DROP FUNCTION IF EXISTS {funzione}()")
    return {"crea": crea, "elimina": elimina}


def _sqlite():
    crea, elimina = [], []
    for tabella, obiettivo in _TABELLE.items():
        inizio = _PERIODO.format(colonna="anno_inizio", obiettivo=obiettivo)
        fine = _PERIODO.format(colonna="anno_fine", obiettivo=obiettivo)
        for evento in ("INSERT", "UPDATE"):
            nome = f"{tabella}_anno_nel_periodo_{evento.lower()}"
            crea.append(
                f"CREATE TRIGGER {nome} BEFORE {evento} ON {tabella} "
                f"WHEN NEW.anno < ({inizio}) OR NEW.anno > ({fine}) "
                "BEGIN SELECT RAISE(ABORT, 'anno fuori dal periodo del piano'); END"
            )
            elimina.append(f"DROP TRIGGER IF EXISTS {nome}")
    return {"crea": crea, "elimina": elimina}


# Moving an objective to another period, or shortening a period, must not strand the yearly
# figures already recorded: the same rule, checked from the other side.
_FUORI_PERIODO = (
    "SELECT 1 FROM obiettivi_risorsa r JOIN obiettivi_obiettivo o ON o.id = r.obiettivo_id "
    "WHERE {filtro} AND (r.anno < {inizio} OR r.anno > {fine}) "
    "UNION ALL SELECT 1 FROM obiettivi_valoreindicatore v "
    "JOIN obiettivi_indicatore i ON i.id = v.indicatore_id "
    "JOIN obiettivi_obiettivo o ON o.id = i.obiettivo_id "
    "WHERE {filtro} AND (v.anno < {inizio} OR v.anno > {fine})"
)
_NUOVO_PERIODO_OBIETTIVO = dict(
    filtro="o.id = NEW.id",
    inizio="(SELECT anno_inizio FROM obiettivi_periodo WHERE id = NEW.periodo_id)",
    fine="(SELECT anno_fine FROM obiettivi_periodo WHERE id = NEW.periodo_id)",
)
_NUOVI_ANNI_PERIODO = dict(
    filtro="o.periodo_id = NEW.id", inizio="NEW.anno_inizio", fine="NEW.anno_fine"
)


def _postgresql_lato_periodo():
    crea, elimina = [], []
    for tabella, nome, parti in (
        ("obiettivi_obiettivo", "obiettivi_obiettivo_periodo_coerente", _NUOVO_PERIODO_OBIETTIVO),
        ("obiettivi_periodo", "obiettivi_periodo_anni_coerenti", _NUOVI_ANNI_PERIODO),
    ):
        crea.append(
            f"""
            CREATE FUNCTION {nome}() RETURNS trigger AS $$
            BEGIN
                IF EXISTS ({_FUORI_PERIODO.format(**parti)}) THEN
                    RAISE EXCEPTION 'risorse o valori resterebbero fuori dal periodo del piano'
                        USING ERRCODE = 'check_violation';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql
            """
        )
        crea.append(
            f"CREATE TRIGGER {nome} BEFORE UPDATE ON {tabella} "
            f"FOR EACH ROW EXECUTE FUNCTION {nome}()"
        )
        elimina.append(f"DROP TRIGGER IF EXISTS {nome} ON {tabella}")
        elimina.append(f"DROP FUNCTION IF EXISTS {nome}()")
    return crea, elimina


def _sqlite_lato_periodo():
    crea, elimina = [], []
    for tabella, nome, parti in (
        ("obiettivi_obiettivo", "obiettivi_obiettivo_periodo_coerente", _NUOVO_PERIODO_OBIETTIVO),
        ("obiettivi_periodo", "obiettivi_periodo_anni_coerenti", _NUOVI_ANNI_PERIODO),
    ):
        crea.append(
            f"CREATE TRIGGER {nome} BEFORE UPDATE ON {tabella} "
            f"WHEN EXISTS ({_FUORI_PERIODO.format(**parti)}) "
            "BEGIN SELECT RAISE(ABORT, 'risorse o valori fuori dal periodo del piano'); END"
        )
        elimina.append(f"DROP TRIGGER IF EXISTS {nome}")
    return crea, elimina


def _unisci(base, lato):
    crea, elimina = lato
    return {"crea": base["crea"] + crea, "elimina": elimina + base["elimina"]}


ANNO_NEL_PERIODO = {
    "postgresql": _unisci(_postgresql(), _postgresql_lato_periodo()),
    "sqlite": _unisci(_sqlite(), _sqlite_lato_periodo()),
}
