"""Forms of the Assemblea dei Sindaci, with every error in Italian next to its field."""

import copy
from decimal import Decimal

from crispy_forms.layout import Column, Fieldset, Row
from django import forms
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Ruolo, User
from ambiti.models import Comune
from core.flusso import OperazioneNonAmmessa
from core.moduli import DateInput, DateTimeInput, form_helper
from core.validatori import valida_riga_singola

from . import services
from .models import (
    Declinazione,
    Delega,
    PuntoOdg,
    Qualita,
    Recepimento,
    RegolaVoto,
    Seduta,
    Votazione,
)
from .presenze_html import righe_modulo
from .widgets import SelectRapido

Misura = RegolaVoto.Misura


# --- Voting rules -----------------------------------------------------------------------------

CAMPI_REGOLA = [
    "peso",
    "fonte_popolazione",
    "data_popolazione",
    "quorum",
    "quorum_seconda",
    "maggioranza",
    "base",
    "misura_maggioranza",
    "minimo_comuni_favorevoli",
    "astenuti_nel_quorum",
    "astenuti_tra_i_votanti",
    "scrutinio",
    "note",
]


class RegolaForm(forms.ModelForm):
    """The next version of the rules, pre-filled from the current one."""

    class Meta:
        model = RegolaVoto
        fields = CAMPI_REGOLA
        widgets = {
            "data_popolazione": DateInput(),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, ambito, corrente=None, **kwargs):
        if corrente is not None and "initial" not in kwargs:
            kwargs["initial"] = model_to_dict(corrente, fields=CAMPI_REGOLA)
            # The shares of the current version, to start from.
            kwargs["initial"] |= {
                f"quota_{comune_id}": quota
                for comune_id, quota in corrente.quote.values_list("comune_id", "quota")
            }
        super().__init__(*args, **kwargs)
        self.ambito = ambito
        self.instance.ambito = ambito
        self.comuni = list(Comune.objects.filter(ambito=ambito).order_by("nome"))
        self.numero_comuni = len(self.comuni)
        self.fields["minimo_comuni_favorevoli"].widget.attrs.update(
            {"min": 1, "max": self.numero_comuni}
        )
        for comune in self.comuni:
            self.fields[self._campo_quota(comune)] = forms.DecimalField(
                label=comune.nome,
                required=False,
                max_digits=12,
                decimal_places=4,
                min_value=Decimal("0.0001"),
                error_messages={
                    "min_value": _("La quota deve essere maggiore di zero."),
                    "max_decimal_places": _("Al massimo quattro decimali."),
                },
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )
        self.helper = form_helper(
            "peso",
            Row(Column("fonte_popolazione"), Column("data_popolazione")),
            Row(Column("quorum"), Column("quorum_seconda")),
            Row(Column("maggioranza"), Column("base"), Column("misura_maggioranza")),
            Row(Column("minimo_comuni_favorevoli"), Column("scrutinio")),
            Row(Column("astenuti_nel_quorum"), Column("astenuti_tra_i_votanti")),
            Fieldset(
                _("Quote dell'Accordo di Programma (solo con il voto ponderato sulle quote)"),
                Row(
                    *[
                        Column(self._campo_quota(c), css_class="col-sm-6 col-lg-4")
                        for c in self.comuni
                    ]
                ),
            ),
            "note",
        )

    @staticmethod
    def _campo_quota(comune) -> str:
        return f"quota_{comune.pk}"

    def quote(self) -> dict:
        """comune pk → share, when the rule weighs by quote; none otherwise (a share typed for
        a rule that does not use them is not kept)."""
        if self.cleaned_data.get("peso") != RegolaVoto.Peso.QUOTE:
            return {}
        return {c.pk: self.cleaned_data[self._campo_quota(c)] for c in self.comuni}

    def clean_minimo_comuni_favorevoli(self):
        minimo = self.cleaned_data.get("minimo_comuni_favorevoli")
        if minimo is not None and minimo < 1:
            raise forms.ValidationError(_("Il numero minimo di comuni favorevoli è almeno 1."))
        if minimo is not None and minimo > self.numero_comuni:
            raise forms.ValidationError(
                _("L'ambito ha %(n)d comuni: il minimo non può superarli.")
                % {"n": self.numero_comuni}
            )
        return minimo

    def clean(self):
        cleaned = super().clean()
        peso = cleaned.get("peso")
        if peso == RegolaVoto.Peso.UNO:
            # The same rule as the database constraint, said next to the field.
            if cleaned.get("quorum") in (Misura.POPOLAZIONE, Misura.ENTRAMBE):
                self.add_error(
                    "quorum",
                    _(
                        "Un quorum per peso richiede il voto ponderato, sulla popolazione o "
                        "sulle quote."
                    ),
                )
            if cleaned.get("misura_maggioranza") in (Misura.POPOLAZIONE, Misura.ENTRAMBE):
                self.add_error(
                    "misura_maggioranza",
                    _(
                        "Una maggioranza per peso richiede il voto ponderato, sulla popolazione "
                        "o sulle quote."
                    ),
                )
        if peso == RegolaVoto.Peso.QUOTE:
            for comune in self.comuni:
                campo = self._campo_quota(comune)
                if cleaned.get(campo) is None and not self.has_error(campo):
                    self.add_error(
                        campo,
                        _(
                            "Indica la quota di %(c)s: con il voto sulle quote ogni comune "
                            "dell'ambito ne ha una."
                        )
                        % {"c": comune.nome},
                    )
        if not cleaned.get("astenuti_nel_quorum") and cleaned.get("astenuti_tra_i_votanti"):
            self.add_error(
                "astenuti_tra_i_votanti",
                _(
                    "Chi si astiene può contare tra i voti espressi solo se conta anche tra i "
                    "presenti per il quorum."
                ),
            )
        if cleaned.get("data_popolazione") and not self.has_error("data_popolazione"):
            prova = RegolaVoto(
                ambito=self.ambito,
                data_popolazione=cleaned["data_popolazione"],
                fonte_popolazione=cleaned.get("fonte_popolazione", ""),
            )
            try:
                services.pesi_comuni(prova, self.ambito)
            except OperazioneNonAmmessa as errore:
                self.add_error("data_popolazione", str(errore))
        return cleaned


# --- Sessions ---------------------------------------------------------------------------------


class SedutaForm(forms.ModelForm):
    class Meta:
        model = Seduta
        fields = [
            "titolo",
            "modalita",
            "luogo",
            "link_online",
            "prima_convocazione",
            "seconda_convocazione",
            "presidente",
            "presidente_qualifica",
            "presidente_declinazione",
            "segretario",
            "segretario_qualifica",
            "segretario_declinazione",
        ]
        widgets = {
            "prima_convocazione": DateTimeInput(),
            "seconda_convocazione": DateTimeInput(),
        }
        help_texts = {
            "prima_convocazione": _("Data e ora nel fuso orario italiano."),
            "seconda_convocazione": _("Facoltativa: deve seguire la prima."),
        }

    def __init__(self, *args, ambito, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.ambito = ambito
        self.fields["titolo"].validators.append(valida_riga_singola)
        self.helper = form_helper(
            "titolo",
            "modalita",
            Row(Column("luogo"), Column("link_online")),
            Row(Column("prima_convocazione"), Column("seconda_convocazione")),
            Row(
                Column("presidente", css_class="col-md-4"),
                Column("presidente_qualifica", css_class="col-md-5"),
                Column("presidente_declinazione", css_class="col-md-3"),
            ),
            Row(
                Column("segretario", css_class="col-md-4"),
                Column("segretario_qualifica", css_class="col-md-5"),
                Column("segretario_declinazione", css_class="col-md-3"),
            ),
        )
        for campo in ("presidente", "presidente_qualifica", "segretario", "segretario_qualifica"):
            self.fields[campo].validators.append(valida_riga_singola)
        for campo in ("presidente_declinazione", "segretario_declinazione"):
            self.fields[campo].required = False

    def clean_presidente_declinazione(self):
        return self.cleaned_data.get("presidente_declinazione") or Declinazione.MASCHILE

    def clean_segretario_declinazione(self):
        return self.cleaned_data.get("segretario_declinazione") or Declinazione.MASCHILE

    def clean(self):
        cleaned = super().clean()
        prima, seconda = cleaned.get("prima_convocazione"), cleaned.get("seconda_convocazione")
        if prima and seconda and seconda <= prima:
            self.add_error(
                "seconda_convocazione",
                _("La seconda convocazione deve essere successiva alla prima."),
            )
        modalita = cleaned.get("modalita")
        in_sala = modalita in (Seduta.Modalita.PRESENZA, Seduta.Modalita.MISTA)
        in_rete = modalita in (Seduta.Modalita.ONLINE, Seduta.Modalita.MISTA)
        if in_sala and not cleaned.get("luogo") and not self.has_error("luogo"):
            self.add_error("luogo", _("Indica il luogo della seduta in presenza."))
        if in_rete and not cleaned.get("link_online") and not self.has_error("link_online"):
            self.add_error("link_online", _("Indica il collegamento per partecipare online."))
        return cleaned


class VersioneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("%(piano)s — versione %(n)d") % {"piano": obj.piano.titolo, "n": obj.numero}


class PuntoForm(forms.ModelForm):
    versione_piano = VersioneChoiceField(
        label=_("Versione del piano da approvare"),
        queryset=None,
        required=False,
        help_text=_("Solo le versioni congelate in attesa del voto dell'Assemblea."),
        error_messages={
            "invalid_choice": _(
                "Questa versione non è in attesa del voto o è già all'ordine del giorno di "
                "un'altra seduta."
            )
        },
    )

    class Meta:
        model = PuntoOdg
        fields = ["ordine", "titolo", "descrizione", "versione_piano"]
        widgets = {"descrizione": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, seduta, **kwargs):
        super().__init__(*args, **kwargs)
        self.seduta = seduta
        self.instance.seduta = seduta
        self.fields["titolo"].validators.append(valida_riga_singola)
        self.fields["ordine"].widget.attrs["min"] = 1
        # A version already on the agenda of a session under way is not offered twice, unless
        # its vote there found no quorum.
        in_agenda = (
            PuntoOdg.objects.filter(seduta__ambito=seduta.ambito, versione_piano__isnull=False)
            .exclude(seduta__stato=Seduta.Stato.CHIUSA)
            .exclude(votazione__esito=Votazione.Esito.NON_VALIDA)
            .values("versione_piano")
        )
        self.fields["versione_piano"].queryset = (
            services.versioni_votabili(seduta.ambito)
            .exclude(pk__in=in_agenda)
            .order_by("-piano__periodo__anno_inizio", "-numero")
            # The select names the versions: their HTML (the whole plan each) is not read.
            .defer("html")
        )
        self.helper = form_helper(
            Row(Column("ordine", css_class="col-md-2"), Column("titolo", css_class="col-md-10")),
            "descrizione",
            "versione_piano",
        )

    def clean_ordine(self):
        ordine = self.cleaned_data.get("ordine")
        if ordine is not None and ordine < 1:
            raise forms.ValidationError(_("I punti si numerano da 1."))
        if ordine is not None and self.seduta.punti.filter(ordine=ordine).exists():
            raise forms.ValidationError(
                _("Esiste già il punto n. %(n)d all'ordine del giorno.") % {"n": ordine}
            )
        return ordine


# --- Delegations ------------------------------------------------------------------------------


class DelegaForm(forms.ModelForm):
    comune = forms.ModelChoiceField(
        label=_("Comune"), queryset=Comune.objects.none(), widget=SelectRapido
    )
    delegato = forms.ModelChoiceField(
        label=_("Delegato"),
        queryset=User.objects.none(),
        widget=SelectRapido,
        help_text=_("Una persona con il ruolo di delegato del sindaco per quel comune."),
    )

    class Meta:
        model = Delega
        fields = ["comune", "delegato", "atto"]

    def __init__(self, *args, seduta, **kwargs):
        super().__init__(*args, **kwargs)
        self.seduta = seduta
        self.instance.seduta = seduta
        self.fields["comune"].queryset = Comune.objects.filter(ambito=seduta.ambito).order_by(
            "nome"
        )
        self.ruoli_delegati = {
            r.user_id: r
            for r in Ruolo.objects.attivi()
            .filter(ambito=seduta.ambito, tipo=Ruolo.Tipo.DELEGATO)
            .select_related("comune")
        }
        self.fields["delegato"].queryset = User.objects.filter(
            pk__in=list(self.ruoli_delegati)
        ).order_by("last_name", "first_name")
        self.fields["delegato"].label_from_instance = self._etichetta
        self.helper = form_helper(Row(Column("comune"), Column("delegato")), "atto")

    def _etichetta(self, utente):
        nome = utente.get_full_name() or utente.username
        ruolo = self.ruoli_delegati.get(utente.pk)
        return f"{nome} — {ruolo.comune}" if ruolo else nome

    def clean_comune(self):
        comune = self.cleaned_data.get("comune")
        if comune and Delega.objects.filter(seduta=self.seduta, comune=comune).exists():
            raise forms.ValidationError(
                _("Per %(comune)s è già registrata una delega per questa seduta.")
                % {"comune": comune}
            )
        return comune

    def clean(self):
        cleaned = super().clean()
        comune, delegato = cleaned.get("comune"), cleaned.get("delegato")
        if comune and delegato:
            ruolo = self.ruoli_delegati.get(delegato.pk)
            if ruolo is None or ruolo.comune_id != comune.pk:
                self.add_error(
                    "delegato",
                    _("%(persona)s non è delegato del sindaco di %(comune)s.")
                    % {"persona": self._etichetta(delegato).split(" — ")[0], "comune": comune},
                )
        return cleaned


# --- Presences --------------------------------------------------------------------------------


class PresenzeForm(forms.Form):
    """The secretary records who is in the room, for many comuni at once.

    Tick the comuni: each is represented by its sindaco in office unless the row says otherwise.
    A name is asked only where the portal cannot fill it: a comune with no sindaco on record.
    "Delegato" takes the delegate of the delegation recorded for this session."""

    comuni = forms.ModelMultipleChoiceField(
        label=_("Comuni presenti in sala"),
        queryset=Comune.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Spunta almeno un comune presente in sala."),
            "invalid_choice": _("Uno dei comuni spuntati non è dell'ambito."),
        },
    )

    def __init__(self, *args, seduta, **kwargs):
        super().__init__(*args, **kwargs)
        self.seduta = seduta
        comuni = list(Comune.objects.filter(ambito=seduta.ambito).order_by("nome"))
        self.fields["comuni"].queryset = Comune.objects.filter(ambito=seduta.ambito)
        self.sindaci = {
            r.comune_id: r.user.get_full_name() or r.user.username
            for r in Ruolo.objects.attivi()
            .filter(ambito=seduta.ambito, tipo=Ruolo.Tipo.SINDACO)
            .select_related("user")
            .order_by("assegnato_il", "pk")
        }
        self.deleghe = {
            d.comune_id: d.delegato.get_full_name() or d.delegato.username
            for d in Delega.objects.filter(seduta=seduta).select_related("delegato")
        }
        presenti = set(
            seduta.presenze.filter(uscita_il__isnull=True).values_list("comune_id", flat=True)
        )
        self.righe = []
        # Two fields per comune, copies of one pair: building a ChoiceField anew normalises its
        # choices and its widget's, which for 250 comuni was most of the page's time. Shallow
        # copies: only the label differs, and nothing changes a field's widget, choices or
        # validators after this (the rows are written by presenze_html, not by the widgets).
        modello_qualita = forms.ChoiceField(
            choices=Qualita.choices, initial=Qualita.SINDACO, required=False
        )
        modello_persona = forms.CharField(
            max_length=150, required=False, validators=[valida_riga_singola]
        )
        etichetta_qualita = str(_("In qualità di, per %(c)s"))
        etichetta_persona = str(_("Nome e cognome, per %(c)s"))
        for comune in comuni:
            qualita = f"qualita_{comune.pk}"
            persona = f"persona_{comune.pk}"
            self.fields[qualita] = copy.copy(modello_qualita)
            self.fields[qualita].label = etichetta_qualita % {"c": comune.nome}
            self.fields[persona] = copy.copy(modello_persona)
            self.fields[persona].label = etichetta_persona % {"c": comune.nome}
            self.righe.append(
                {
                    "comune": comune,
                    "sindaco": self.sindaci.get(comune.pk, ""),
                    "delegato": self.deleghe.get(comune.pk, ""),
                    "presente": comune.pk in presenti,
                    "qualita": self[qualita],
                    "persona": self[persona],
                    "spuntato": self._spuntato(comune),
                }
            )
        self.scelti: list[services.Rappresentanza] = []

    def righe_html(self):
        """The rows of the form as the page shows them (assemblea.presenze_html)."""
        return righe_modulo(self)

    def _spuntato(self, comune) -> bool:
        if not self.is_bound:
            return False
        return str(comune.pk) in self.data.getlist(self.add_prefix("comuni"))

    def clean(self):
        cleaned = super().clean()
        self.scelti = []
        for comune in cleaned.get("comuni") or []:
            qualita = cleaned.get(f"qualita_{comune.pk}") or Qualita.SINDACO
            persona = (cleaned.get(f"persona_{comune.pk}") or "").strip()
            if qualita == Qualita.DELEGATO:
                if comune.pk not in self.deleghe:
                    self.add_error(
                        f"qualita_{comune.pk}",
                        _(
                            "Per %(comune)s non è registrata una delega per questa seduta: "
                            "registrala prima nelle deleghe."
                        )
                        % {"comune": comune},
                    )
                    continue
                persona = persona or self.deleghe[comune.pk]
            else:
                persona = persona or self.sindaci.get(comune.pk, "")
                if not persona:
                    self.add_error(
                        f"persona_{comune.pk}",
                        _(
                            "Per %(comune)s non risulta un sindaco in carica nel portale: "
                            "indica il nome di chi è presente."
                        )
                        % {"comune": comune},
                    )
                    continue
            self.scelti.append(services.Rappresentanza(comune, qualita, persona))
        return cleaned


# --- Adoption by the councils -----------------------------------------------------------------


class RecepimentoForm(forms.ModelForm):
    comune = forms.ModelChoiceField(label=_("Comune"), queryset=Comune.objects.none())

    class Meta:
        model = Recepimento
        fields = ["comune", "data_atto", "numero_atto", "organo"]
        widgets = {"data_atto": DateInput()}

    def __init__(self, *args, versione, comuni, **kwargs):
        super().__init__(*args, **kwargs)
        self.versione = versione
        self.instance.versione = versione
        self.fields["comune"].queryset = comuni
        self.helper = form_helper(
            Row(
                Column("comune", css_class="col-md-4"),
                Column("data_atto", css_class="col-md-3"),
                Column("numero_atto", css_class="col-md-2"),
                Column("organo", css_class="col-md-3"),
            )
        )

    def clean_data_atto(self):
        data = self.cleaned_data.get("data_atto")
        if data and data > timezone.localdate():
            raise forms.ValidationError(_("La data della delibera non può essere futura."))
        return data

    def clean_comune(self):
        comune = self.cleaned_data.get("comune")
        if comune and Recepimento.objects.filter(versione=self.versione, comune=comune).exists():
            raise forms.ValidationError(
                _(
                    "Il recepimento di %(comune)s è già registrato: non si sovrascrive. "
                    "Per correggerlo rivolgiti all'Ufficio di Piano."
                )
                % {"comune": comune}
            )
        return comune
