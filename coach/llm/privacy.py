"""Personal data never leaves the machine: redact before a remote model sees text, restore after.
And our own instructions never reach the rep: `prompt_leaks` finds them in what a model wrote.

Email addresses, phone numbers, payment card numbers (Luhn-checked), IBANs, US social security
numbers, UUIDs and labelled account, customer, policy and subscription ids become placeholders such as
`[EMAIL_1]` (the README's "What is redacted" lists the forms); the same value always gets the same placeholder,
so a model can still refer to it, and `restore` puts the originals back in what the model wrote.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage

    from coach.settings import Settings

M = TypeVar("M", bound="BaseMessage")

# Bounded parts and a start that cannot sit inside another run: linear on any input (an unbounded
# local part rescans to the end of a long dotted run for every start). The top-level domain may be
# in any script ("пример.рф") or punycode ("xn--p1ai"); a quoted local part is read too.
_EMAIL_NAME = r"(?:(?<![\w.+'&%-])[\w.+%-][\w.+'&%-]{0,63}|\"[^\"\n@]{1,64}\")"
# A domain's dots may be the ideographic or half-width full stops IDNA reads as dots too
# ("dana@northwind。com" is delivered to northwind.com). Only a domain reads them so: elsewhere they
# end a Chinese or Japanese sentence, and an id's value must stop there ("account AB1234。次").
_DOMAIN_DOT = "[.\u3002\uff61]"
_EMAIL_DOMAIN = (
    r"(?:[\w-]{1,63}(?:_DOT[\w-]{1,63}){0,8}_DOT(?:[^\W\d_]{2,24}|(?i:xn--)[a-z0-9-]{1,59})"
    # or at an IP address, bracketed as RFC 5321 writes it or not ("dana@[192.0.2.7]")
    r"|\[?\d{1,3}(?:\.\d{1,3}){3}\]?|\[(?i:ipv6:)[0-9a-f:.]{2,45}\])(?![\w-])"
).replace("_DOT", _DOMAIN_DOT)
_EMAIL = re.compile(_EMAIL_NAME + "@" + _EMAIL_DOMAIN)
# The "@" encoded: in a link ("/reset?user=dana.whitfield%40northwind.com") or as an HTML entity
# ("dana&#64;northwind.com", "lena.k&#x40;northwind.com", "dana&commat;northwind.com").
_EMAIL_ENCODED = re.compile(
    _EMAIL_NAME + r"(?i:%40|&#0{0,3}64;|&#x0{0,3}40;|&commat;)" + _EMAIL_DOMAIN
)
# An address written to dodge harvesters: "dana @ northwind.com", "dana [at] northwind [dot] com",
# "dana (at) northwind.com". The "at" and "dot" words count only in brackets; a spaced "@" only
# before a dotted domain. Bounded parts: linear on any input.
_EMAIL_SPELLED = re.compile(
    r"(?<![\w.+'&%-])[\w.+%-][\w.+'&%-]{0,63}"
    r"(?:[ \t]{1,3}@[ \t]{0,3}|[ \t]{0,3}@[ \t]{1,3}|[ \t]{0,3}[\[(](?i:at)[\])][ \t]{0,3})"
    r"[\w-]{1,63}(?:_DOT[\w-]{1,63}){0,7}_DOT[^\W\d_]{2,24}(?![\w-])".replace(
        "_DOT", r"(?:[ \t]{0,3}[\[(](?i:dot)[\])][ \t]{0,3}|" + _DOMAIN_DOT + ")"
    )
)
# An address with "at" and "dot" as plain words, in lower or upper case ("dana at northwind dot
# com", "priya AT northwind DOT com"), only when it ends in a common top-level domain after a
# "dot", so prose stays ("meet at noon dot", "We at Northwind.com agree", "at the dot com boom").
_TLD = r"(?i:com|org|net|edu|gov|info|biz|io|co|de|fr|nl|it|es|pl|pt|uk|eu|ch|us|ca|au)"
# The "at" and "dot" words of the other seven languages too ("lucia arroba acme punto es",
# "k.berger at acme punkt de", "anna małpa acme kropka pl"), and "dot" inside the name ("john dot
# smith at initech dot com" sent "john dot [EMAIL_1]").
_AT_WORD = r"(?:at|AT|(?i:arroba|arobase|chiocciola|apenstaartje|ma[łl]pa|klammeraffe))"
_DOT_WORD = r"[ \t]{1,3}(?:dot|DOT|(?i:punto|punkt|point|ponto|punt|kropka))[ \t]{1,3}"
_EMAIL_WORDS = re.compile(
    r"(?<![\w.+'&%-])(?!(?i:we|us|i|you|they|he|she|it|me|him|her|them)\b)[\w.+%-][\w.+'%-]{0,63}"
    r"(?:_DOT[\w+%-]{1,63}){0,3}"
    rf"[ \t]{{1,3}}{_AT_WORD}[ \t]{{1,3}}(?!(?i:the|a|an|this|that|our|your|their|its|my)\b)"
    rf"[\w-]{{1,63}}(?:(?:\.|_DOT)[\w-]{{1,63}}){{0,6}}_DOT{_TLD}(?![\w-])".replace(
        "_DOT", _DOT_WORD
    )
)
# An IBAN in upper or lower case, grouped by spaces, dashes or dots or not at all. Written in
# capitals with spaces it is taken as typed; otherwise its check digits must hold (ISO 13616).
# A line break may stand for a separator where the text wrapped ("IBAN DE89 3704 0044" /
# "0532 0130 00 for the refund"); then the check digits of the joined value must hold.
_IBAN = re.compile(
    r"(?i)\b[A-Z]{2}\d{2}(?:_SEP[A-Z0-9]{4}){2,7}(?:_SEP[A-Z0-9]{1,4})?\b".replace(
        "_SEP", r"(?:[ .-]?|[ \t]{0,2}[.-]?[ \t]{0,2}\r?\n[ \t]{0,2})"
    )
)
_IBAN_TYPED = re.compile(r"[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?")
# Runs of digit groups joined by separators (one or two spaces, or a dot, slash, dash, underscore
# or bar with up to two spaces either side, or one line break where the text wrapped): card numbers
# are looked for inside them.
_DIGIT_RUN = re.compile(
    r"(?<![\w.])\d+(?:(?:[ \t]{0,2}[./_|-][ \t]{0,2}|[ \t]{0,2}[./-]?[ \t]{0,2}\r?\n[ \t]{0,2}|[ \t]{1,2})\d+)*"
)
_GROUP = re.compile(r"\d+")


# A number typed one digit at a time, each digit set apart by one kind of mark ("4 1 5 5 5 5 0 1 9 9",
# "4-1-5-5-5-5-0-1-9-9", "4 - 1 - 5 ..."), or groups of spaced digits split by dashes ("4 1 5 -
# 5 5 5 - 0 1 9 9"; the caller counts their digits). It starts at no digit after a dash, so a
# countdown is no phone ("10 - 9 - 8 ... - 0"); dates and versions ("2024-05-01", "1.2.3") have
# no lone digits.
def _one_by_one(fewest: int, most: int) -> re.Pattern[str]:
    return re.compile(
        r"(?<![\w.])(?<!\d-)(?<!\d -)(?<!\d- )(?<!\d - )(?:"
        rf"\d(?:[ ]\d){{{fewest - 1},{most - 1}}}"
        rf"|\d(?P<dash>[ ]?-[ ]?)\d(?:(?P=dash)\d){{{fewest - 2},{most - 2}}}"
        r"|\d(?:[ ]\d){1,7}(?:[ ]?-[ ]?\d(?:[ ]\d){1,7}){1,8})(?![\w.])"
    )


# A card: 13 to 19 digits, Luhn-checked.
_SPACED_CARD = _one_by_one(13, 19)
# A value labelled as an account, customer, member, policy, contract or subscription id, in the
# eight languages, singular or plural: "account number is 88231907", "customer ID CUST-88231",
# "Account (ID 88231907)", "policy no. PL/2024/8877", "accounts 55667788 and 55667799",
# "Kundennummer 4711-0815". `_plausible_id` then drops what is not an id (years, dates, versions,
# amounts, "12-month").
_ID_LABEL = (
    r"accounts?|acct|a/c|customers?|custs?|clients?|members?|memberships?|polic(?:y|ies)|contracts?|subscriptions?|"
    r"tenants?|routing|sort[\s-]?codes?|usernames?|benutzername|gebruikersnaam|"
    # a user or login id, named as a number ("user ID 88231907", "Benutzer-ID", "login no. 4471")
    r"(?:users?|logins?|benutzer|gebruikers?)(?=[\s_-]*(?:ids?|no|nr|numbers?|nummer|kennung)\b)|"
    # an employee or staff number ("employee no. 5566778", "staff number 12345"), a badge
    r"(?:employees?|staff)(?=[\s_-]*(?:(?:ids?|no|nr|numbers?)\b|#))|badges?|"
    r"konto|kontonummer|kunden?nummer|kunden-?id|compte|cuenta|"
    r"num[ée]ro\s+(?:de\s+)?client|n[°º]\s*client|n[úu]mero\s+de\s+cliente|numero\s+cliente|"
    r"codice\s+cliente|cod\.\s*cliente|cliente|klantnummer|klant-?id|klant-?nr|rek\.|"
    r"numer\s+klienta|nr\s+klienta|"
    # contract and account numbers, and the "number of" forms, in the eight languages
    r"vertrag(?:s-?nummer|s-?nr)?|kunden|kd\.|contrat|contrato|contratto|conto|conta|"
    r"rekening(?:nummer)?|contractnummer|umowy|konta|"
    # policy, member and subscription numbers, and short forms ("Kto.-Nr.", "Acct. No", "BLZ")
    r"polis(?:nummer)?|polic(?:en|e)nummer|versicherungsnummer|mitglied(?:s-?nummer|s-?nr)?|"
    r"lid(?:maat)?nummer|abonnement(?:s-?nummer)?|kd|kto\.?|acct\.|acc\.|blz|"
    r"(?:n[uú]mero|num[ée]ro|numer|nr|n[°º]|n)\.?\s+(?:de\s+|di\s+|do\s+|da\s+|d['’]\s*)?"
    r"(?:contrat[oa]?|contratto|cuenta|conta|conto|compte|cliente?|klant|konta|umowy|klienta|police|"
    r"p[óo]liza|polizza|ap[óo]lice|polisy|adh[ée]rent|socio|membro|miembro|abonnement|"
    r"suscripci[óo]n|abbonamento|assinatura|subskrypcji|cz[łl]onkowski)"
)
# Labels that name a number by themselves, as "account number" does.
_ID_LABEL_CUED = re.compile(r"(?i)n[uú]m|nr|n[°º]|codice|cod\.|routing|sort|badge|id$|^n\b")
_ID_WORD = (
    r"(?:no|nos|numbers?|num|nr|ids?|ident\w*|ref|reference|n[úu]mero|num[ée]ro|nummer)\b\.?|#"
    r"|n[°º]|n\.(?=\s)"
)
_ID_VALUE = (
    r"(?:[A-Za-z]{1,4}-?)?\d(?:[\d -]{0,20}\d)?(?![\w/]|-[A-Za-z0-9])"
    r"|(?=[\w/.-]*\d)[A-Za-z0-9][\w/.-]{1,39}"
)
_ACCOUNT = re.compile(
    rf"(?i)\b(?P<label>{_ID_LABEL})\.?(?:[\s_-]*\(?\s*(?P<word>{_ID_WORD})"
    # an aside between a number's name and its value: "account number (see invoice) 88231907",
    # "account number, as on the invoice, is 88231907"
    r"(?:\s*\([^()\n\d]{1,80}\)|\s*\[[^\[\]\n\d]{1,80}\]|\s*,[^,\n\d]{1,60},"
    r"|\s+[-\u2013\u2014]\s*[^-\u2013\u2014\n\d]{1,60}?\s*[-\u2013\u2014])?)?"
    r"\s*(?P<link>(?:(?:is|was|are|were|lautet|ist|est(?:\s+le)?|es(?:\s+el)?|è|é|to|"
    r"jest)\b\s*|[:=#,(/-]\s*){0,2})"
    # a value starts where a word does: "customers/55667788" is no label "customer" and a value
    # "s/55667788"; a path names one too ("/account/88231907/billing")
    rf"(?<![^\W\d_])(?P<value>{_ID_VALUE})"
)
# A username after the word that names it, whatever its shape as long as it is one token with a
# digit or an underscore ("user name: jdoe1979", "user-name jdoe1980", "Username: priya_n88",
# "handle @priya_n88"), and its names in the other languages ("nom d'utilisateur : cdupont_82",
# "nombre de usuario: mruiz_83", "nome utente: mrossi_84", "nazwa użytkownika: pkowal_81").
# "login", "handle" and the one-word names of the other languages ("usuario", "identifiant") are
# ordinary words too, so after them alone the value needs a letter and is no count ("we handle 500
# requests", "login 2fa", "el usuario normal").
_USERNAME = re.compile(
    r"(?i)\b(?:(?P<named>user[ \t_-]?(?:names?|ids?)|benutzername|gebruikersnaam|"
    r"(?:login|handle)[ \t_-]?(?:names?|ids?)|"
    r"(?:nom|identifiant)[ \t]+(?:d['’][ \t]*|de[ \t]+)?utilisateur|"
    r"(?:nombre|nome)[ \t]+(?:(?:de|do)[ \t]+)?(?:usu[áa]rio|utilizador)|nome[ \t]+utente|"
    r"(?:nazwa|identyfikator)[ \t]+u[żz]ytkownika)"
    r"|logins?|handles?|identifiant|usu[áa]rios?|utilizador(?:es)?|utente|utilisateur)"
    # "is" in the eight languages but Polish "to", which is also English ("login to host_12")
    r"(?:[ \t]*[:=(][ \t]*|[ \t]+(?:is|was|ist|lautet|est|es|è|é|jest)[ \t]+|[ \t]+)"
    r"@?(?P<value>[\w.-]{3,64})(?![\w.@-])"
)
_A_COUNT = re.compile(r"(?i)\d+(?:[.,]\d+)?[a-z]{0,3}")
# More ids in the same list: "accounts 55667788, 55667799 and 55667800".
_ACCOUNT_MORE = re.compile(
    r"(?i)\s*(?:,\s*(?:and\s+|or\s+)?|;\s*|&\s*|/\s*|(?:and|or|und|oder|et|ou|y|e|en|of|i|oraz)\s+)"
    rf"(?:#\s*)?(?P<value>{_ID_VALUE})"
)
_NOT_AN_ID = re.compile(
    r"(?i)(?:19|20)\d{2}(?:\s*[-/]\s*(?:19|20)?\d{2})?"  # a year, a range of years
    r"|\d{1,2}([./-])\d{1,2}\1(?:19|20)\d{2}|(?:19|20)\d{2}([./-])\d{1,2}\2\d{1,2}"  # a date
    r"|\d{1,2}[./-](?:19|20)?\d{2}"  # a month
    r"|\d+(?:\.\d+)+"  # a version
    r"|[QH][1-4](?:[ -]?(?:19|20)?\d{2})?|FY[ -]?\d{2,4}"  # a quarter, a half, a fiscal year
    r"|\d+(?:[.,]\d+)?(?:k|m|bn|%)"  # an amount
    r"|\d+-(?:years?|months?|weeks?|days?|hours?|seats?|users?|tier)"
)
# Identifiers that are personal whatever their shape, after the word that names them, in the eight
# languages: tax and VAT numbers, passports, identity cards, driving licences, a card's security
# code ("tax id 123456789", "CVV 123", "Steuer-ID 12 345 678 901", "codice fiscale ...").
_PERSONAL_ID = re.compile(
    r"(?i)\b(?:tax\s+id(?:entification)?(?:\s+(?:number|no\.?))?|tin|vat\s+(?:id|number|no\.?|"
    r"reg(?:istration)?\s+(?:number|no\.?))|passport(?:\s+(?:number|no\.?))?|national\s+id"
    r"(?:\s+(?:number|no\.?))?|id\s+card(?:\s+(?:number|no\.?))?|driver['’]?s?\s+licen[cs]e"
    r"(?:\s+(?:number|no\.?))?|steuer-?id|steuer-?nummer|ust-?id(?:-?nr\.?)?|personalausweis(?:nummer)?|"
    r"reisepass(?:nummer)?|num[ée]ro\s+(?:de\s+)?tva|n[°º]\s*tva|num[ée]ro\s+fiscal|passeport|"
    r"carte\s+d['’]identit[ée]|nif|dni|pasaporte|partita\s+iva|codice\s+fiscale|passaporto|"
    r"carta\s+d['’]identit[àa]|btw-?nummer|bsn|paspoort(?:nummer)?|cpf|cnpj|passaporte|pesel|nip|"
    r"regon|paszport|dow[óo]d\s+osobisty|cvv2?|cvc2?|(?:card\s+)?security\s+code)"
    r"\s*(?:#|:|=|-|\b(?:is|ist|est|es|è|é|to|jest)\b)?\s*"
    r"(?P<value>(?:[A-Za-z]{1,3}[ .-]?)?\d(?:[\d ./-]{0,20}\d)?)(?![\w/])"
)
# A date of birth after the words that name it ("DOB: 1985-03-12", "date de naissance 12/03/1985").
_BIRTH = re.compile(
    r"(?i)\b(?:date\s+of\s+birth|d\.?o\.?b\.?|born\s+on|geburtsdatum|geb\.|date\s+de\s+naissance|"
    r"n[ée]e?\s+le|fecha\s+de\s+nacimiento|data\s+di\s+nascita|nat[oa]\s+il|geboortedatum|"
    r"geboren\s+op|data\s+de\s+nascimento|data\s+urodzenia)\s*(?::|=|-|\bis\b)?\s*"
    r"(?P<value>\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}\.?\s+[^\W\d_]{3,12}\.?\s+\d{4})"
)
# A number typed one digit at a time: ten to fifteen digits is a phone.
_SPACED_DIGITS = _one_by_one(10, 15)
_UUID = re.compile(
    r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
    r"|\b(?=[0-9a-f]{0,31}[a-f])(?=[0-9a-f]{0,31}\d)[0-9a-f]{32}\b"
)
# A phone number with separators: an optional "+country" and "(area)" or a national area code and
# a slash ("030/12345678", "0171 / 123 45 67"), groups joined by a space, dot or dash, and an
# extension ("x204", "ext. 23").
_EXT = r"(?:[ \t]?(?i:x|ext\.?|extension)[ \t]?\d{1,6})?"
_PHONE = re.compile(
    r"(?<![\w/.-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?"
    rf"(?:0\d{{1,5}}[ \t]?/[ \t]?\d{{2,10}}|\d{{1,5}})(?:[\s.-]\d{{2,8}}){{0,4}}{_EXT}(?![\w/-])"
)
_DATE_LIKE = re.compile(r"^\d{1,4}([./-])\d{1,2}\1\d{1,4}$|^\d{1,2} \d{1,2} (?:19|20)\d{2}$")
# "415-555-0199", "415/5550199", "415 - 555 - 0199", "1.415.555.0199x204", "415 555-0199",
# "(415) 555 - 0199": a phone number whatever is written before it.
# The area code may be bracketed ("(415) 555 - 0199") or set apart by a space alone when a dash
# or dot joins the rest ("415 555-0199").
_NANP_SHAPE = (
    r"(?:\+?1[ \t]*[-.]?[ \t]*)?"
    r"(?:\(\d{3}\)[ \t]*|\d{3}(?:[ \t]*[/.-][ \t]*|[ \t]{1,2}(?=\d{3}[ \t]*[.-])))"
    r"\d{3}[ \t]*[.-]?[ \t]*\d{4}" + _EXT
)
_NANP = re.compile(_NANP_SHAPE)
_YEARS = re.compile(r"^(?:19|20)\d{2}(?:\s*[-./]?\s*(?:19|20)\d{2})+$")
# What is written before a number that is not a phone number (README: order, invoice and ticket
# numbers stay), and before or after a number that is an amount or a count.
_NOT_PHONE_BEFORE = re.compile(
    r"(?i)\b(?:orders?|invoices?|tickets?|cases?|sku|po|items?|parts?|versions?|builds?|"
    r"releases?|ref|reference|quotes?|bestellung|rechnung|commande|facture|pedido|factura)"
    r"\s*(?:no\.?|nos\.?|numbers?|nr\.?|#|ids?)?\s*[:#]?\s*$"
)
_CURRENCY_BEFORE = re.compile(r"[€$£¥]\s*$|(?i:\b(?:eur|usd|gbp|chf)\s*)$")
_UNIT_AFTER = re.compile(
    r"(?i)\s*(?:[€$£¥%]|(?:k|m|bn|eur|euros?|usd|dollars?|gbp|pounds?|chf|users?|seats?|"
    r"licen[cs]es?|units?|customers?|accounts?|people|employees|records?|rows?|requests?|calls?|"
    r"tickets?|orders?|items?|emails?|messages?|devices?|transactions?|events?|per|a\s+year)\b)"
)
# A US social security number: in its shape ("123-45-6789", "123 45 6789", "123.45.6789", or with
# two different marks, "123-45/6789"), or after the word that names it, with or without separators
# ("my SSN is 123456789", "S.S.N. 078051120").
_SSN = re.compile(
    r"(?<![\w/-])(?<!\d[ .])\d{3}(?: ?[-./] ?\d{2} ?[-./] ?|[ ]\d{2}[ ])\d{4}(?![\w/-])(?![ .]\d)"
    r"|(?i:(?<!\w)(?:ssn|s\.s\.n\.?|social\s+security(?:\s+(?:number|no\.?|nr\.?|#))?)(?!\w))"
    r"(?:\s*(?:(?i:is|was)\b|[:#=-])){0,2}\s*"
    r"(?P<cued>\d{3}(?: ?[./-] ?|[ ])?\d{2}(?: ?[./-] ?|[ ])?\d{4})(?!\d)"
)
# A phone number typed without separators: ten digits (eleven with a leading 1) in North American
# form; an international number after "+" or "00"; a national number that starts with 0 (ten or
# eleven digits, as in the UK, France, Germany, Italy, the Netherlands); "(415)5550199",
# "415/555-0199" and "415 - 555 - 0199"; or any 7-15 digit run right after a word that announces a
# phone number.
_BARE_PHONE = re.compile(
    rf"(?<![\w+/.-])1?[2-9]\d{{2}}[2-9]\d{{6}}{_EXT}(?![\w/-])"
    r"|(?<![\w+/.-])(?:\+|00)[1-9]\d{7,14}(?![\w/-])"
    r"|(?<![\w+/.-])0[1-9]\d{8,9}(?![\w/-])"
    r"|(?<![\w/.-])\(\d{2,5}\)\s?\d{3}[\s.-]?\d{3,5}(?![\w/-])"
    # "+32 (0)2/123.45.67", "+49 (0) 30 / 1234 5678": a country code, the national 0 in brackets
    # and an area code before a slash; "(0 30) 123 45 67": an area code in brackets, spaced
    r"|(?<![\w+/.-])\+\d{1,3}[ \t]?(?:\([ \t]?0[ \t]?\)[ \t]?)?\d{1,5}[ \t]?/[ \t]?\d{2,10}"
    r"(?:[\s.-]\d{2,8}){0,4}(?![\w/-])"
    r"|(?<![\w/.-])\(0[ \t]?\d{1,5}\)[ \t]?\d{2,8}(?:[\s.-]\d{2,8}){1,4}(?![\w/-])"
    rf"|(?<![\w/.-]){_NANP_SHAPE}(?![\w/-])"
    r"|(?i:\b(?:call|phone|tel|telephone|mobile|cell|whatsapp|text\s+me|reach\s+me|handy|telefon|"
    r"t[ée]l[ée]phone|portable|tel[ée]fono|m[óo]vil|celular|cellulare|telefoon|mobiel|kom[óo]rka|"
    # the number named in one word, and "call me" in the other languages
    r"(?:handy|mobil|telefon|ruf|tel|mobiel|telefoon)nummer|telefonu|kom[óo]rki|chiamami|"
    r"chiamatemi|ll[áa]mame|ll[áa]meme|ligue(?:-me)?|liga-me|appelez-moi|appelle-moi|bel\s+me|"
    r"zadzwo[ńn])\b)"
    r"[^\d\n]{0,20}?(?P<cued>\+?\d{7,15})(?!\d)"
)
# Characters folded before the patterns run, one for one so that positions still match the text:
# full-width digits and letters, colons and dots, and the hyphens, dashes and spaces typed inside
# numbers.
_FOLD = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"},
        **{
            c: " "
            for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
        },
        "\uff0b": "+",
        "\uff20": "@",
        "\uff0e": ".",
        "\ufe52": ".",
        # full-width, small and vertical colons after a label ("SSN：123456789", "account： 88231907")
        "\uff1a": ":",
        "\ufe55": ":",
        "\ufe13": ":",
        # dot leaders and middle dots between digit groups ("415․555․0177")
        "\u2024": ".",
        "\u2027": ".",
        "\u00b7": ".",
    }
)


# Decimal digits of other scripts (Arabic-Indic ٤١٥, Devanagari ४१५, ...) are read as 0-9 too, and
# so is every other character with a digit's value: circled, parenthesised, superscript and
# dingbat digits ("card ④①①① ①①①① ①①①① ①①①①" is 4111 1111 1111 1111 to NFKC and to a reader).
_OTHER_DIGIT = re.compile(
    r"(?![0-9])\d|[\u00b2\u00b3\u00b9\u1369-\u1371\u19da\u2070\u2074-\u2079\u2080-\u2089"
    r"\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff\u2776-\u277e"
    r"\u2780-\u2788\u278a-\u2792\U00010a40-\U00010a43\U00010e60-\U00010e68"
    r"\U00011052-\U0001105a\U0001f100-\U0001f10a]"
)


def _ascii_digit(m: re.Match[str]) -> str:
    return str(unicodedata.digit(m[0]))


# A key in JSON or a Python dict is read as a label: `{"accountId": "88231907"}` as
# `{"accountId :  88231907"}`, as `accountId: 88231907` is read (quotes blanked, positions kept;
# `\"` too, for JSON inside a JSON string).
_JSON_KEY = re.compile(r"(?<=[\w.#])(\\?[\"'])([ \t]*:[ \t]*)(\\?[\"'])?")


def _unquote_key(m: re.Match[str]) -> str:
    return " " * len(m[1]) + m[2] + " " * len(m[3] or "")


def _iban_valid(value: str) -> bool:
    compact = re.sub(r"[\s.-]", "", value).upper()
    if not 15 <= len(compact) <= 34:
        return False
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


_IBAN_GROUP = re.compile(r"\s*[.-]?\s*[A-Za-z0-9]{1,4}$")


def _iban_end(m: re.Match[str]) -> int | None:
    """Where the IBAN found by `m` ends: the match, or the match less the word after it that the
    pattern took as a last group ("ES91-2100-0418-4502-0005-1332 for", "... 2874 is"), as long as
    it is typed in capitals with spaces or its check digits hold. Wrapped across one line break,
    the check digits must hold; if they do not, the IBAN ends where the line does."""
    value = m.group(0)
    if "\n" in value:
        for _ in range(3):
            if value.count("\n") == 1 and _iban_valid(value):
                return m.start() + len(value)
            cut = _IBAN_GROUP.search(value)
            if cut is None or "\n" not in value[: cut.start()]:
                break
            value = value[: cut.start()]
        value = m.group(0).split("\n")[0].rstrip(" \t\r.-")
    for _ in range(3):
        if (_IBAN_TYPED.fullmatch(value) and value[-1].isdigit()) or _iban_valid(value):
            return m.start() + len(value)
        cut = _IBAN_GROUP.search(value)
        if cut is None or cut.start() < 8:
            return None
        value = value[: cut.start()]
    return None


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


@dataclass
class Redaction:
    text: str
    mapping: dict[str, str] = field(default_factory=dict)  # placeholder -> original

    def restore(self, text: str) -> str:
        for placeholder, original in self.mapping.items():
            text = text.replace(placeholder, original)
        return text


# A placeholder's shape: one the customer typed ("write to [EMAIL_1]") is text, and no value
# gets its name, so restoring the model's answer cannot put an address where they typed it.
PLACEHOLDER = re.compile(r"\[(?:EMAIL|PHONE|CARD|ACCOUNT|ID|DATE)_\d+\]")


class _Namer:
    def __init__(self) -> None:
        self.mapping: dict[str, str] = {}
        self.taken: set[str] = set()
        self._by_value: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}

    def __call__(self, kind: str, value: str) -> str:
        key = (kind, value)
        if key not in self._by_value:
            placeholder = ""
            while not placeholder or placeholder in self.taken:
                self._counts[kind] = self._counts.get(kind, 0) + 1
                placeholder = f"[{kind}_{self._counts[kind]}]"
            self._by_value[key] = placeholder
            self.mapping[placeholder] = value
        return self._by_value[key]


class Redactor:
    """One placeholder mapping shared by every text of a model call (a draft's messages, a chat
    turn's system prompt, history and tool results), so the same value is the same placeholder
    everywhere and anything the model writes back can be restored. `enabled=False` (the
    `redact_pii` setting turned off) passes text through unchanged."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._name = _Namer()
        # the pattern of the values named so far, built again when the mapping grows
        self._known: tuple[int, tuple[re.Pattern[str], dict[str, str]]] | None = None

    @property
    def mapping(self) -> dict[str, str]:
        """placeholder -> original"""
        return self._name.mapping

    def redact(self, text: str) -> str:
        if not self.enabled or not text:
            return text
        return self.hide_known(_redact(text, self._name))

    def hide_known(self, text: str) -> str:
        """`text` with every value already redacted replaced by its placeholder wherever it
        stands, label or not. The rep's "Cust. ID 00123459" is redacted by its label, but the
        offline reader cut the sentence after "Cust." and filed "problem": "ID 00123459" in the
        case file, which no label marks any more."""
        if not self.enabled or not text or not self.mapping:
            return text
        if self._known is None or self._known[0] != len(self.mapping):
            self._known = (len(self.mapping), _known_pattern(self.mapping))
        by_value = self._known[1]
        # A placeholder already in the text is matched first and kept as it is.
        return by_value[0].sub(lambda m: by_value[1].get(m[0], m[0]), text)

    def restore(self, text: str) -> str:
        for placeholder, original in self.mapping.items():
            text = text.replace(placeholder, original)
        return text

    def redact_messages(self, messages: Sequence[BaseMessage]) -> list[BaseMessage]:
        """Copies of LangChain messages as a remote model may see them: text, tool-call
        arguments and extra fields redacted, then every value found in one of them hidden in
        all of them (an id labelled only in the last message may stand bare in a tool result
        before it)."""
        redacted = [self._map_message(m, self.redact) for m in messages]
        return [self._map_message(m, self.hide_known) for m in redacted]

    def restore_message(self, message: M) -> M:
        """The model's answer with the original values back in its text and tool calls."""
        return self._map_message(message, self.restore)

    def _map_message(self, message: M, fn: Callable[[str], str]) -> M:
        from langchain_core.messages import AIMessage

        if not self.enabled:
            return message
        update: dict[str, Any] = {
            "content": _map_strings(message.content, fn),
            "additional_kwargs": _map_strings(message.additional_kwargs, fn),
        }
        if isinstance(message, AIMessage):
            update["tool_calls"] = [
                {**call, "args": _map_strings(call["args"], fn)} for call in message.tool_calls
            ]
            update["invalid_tool_calls"] = [
                {**call, "args": _map_strings(call.get("args"), fn)}
                for call in message.invalid_tool_calls
            ]
        return message.model_copy(update=update)


def _known_pattern(mapping: dict[str, str]) -> tuple[re.Pattern[str], dict[str, str]]:
    """A pattern for the placeholders and the values of `mapping`, longest value first, and the
    placeholder of each value, also as written inside JSON ("m\\u00fcller", "\\"dana\\"@...")."""
    by_value: dict[str, str] = {}
    for placeholder, value in mapping.items():
        for form in (value, json.dumps(value)[1:-1]):
            by_value.setdefault(form, placeholder)
    values = sorted(by_value, key=len, reverse=True)
    pattern = "|".join([PLACEHOLDER.pattern, *map(re.escape, values)])
    return re.compile(pattern), by_value


def _map_strings(value: Any, fn: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {k: _map_strings(v, fn) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_map_strings(v, fn) for v in value)
    return value


def redact(text: str) -> Redaction:
    """Replace personal data in `text` with placeholders."""
    redactor = Redactor()
    return Redaction(text=redactor.redact(text), mapping=redactor.mapping)


def _redact(text: str, name: _Namer) -> str:
    from coach.textio import INVISIBLE

    text = INVISIBLE.sub("", text)  # what no reader sees never goes to a model
    name.taken.update(PLACEHOLDER.findall(text))
    # Same length as text: a span in one is a span in the other.
    probe = _OTHER_DIGIT.sub(_ascii_digit, text.translate(_FOLD))
    probe = _JSON_KEY.sub(_unquote_key, probe)
    spans: list[tuple[int, int, str]] = []  # kept sorted; they never overlap
    starts: list[int] = []

    def claim(start: int, end: int, kind: str) -> None:
        at = bisect.bisect_left(starts, end)
        if start < end and (at == 0 or spans[at - 1][1] <= start):
            starts.insert(at, start)
            spans.insert(at, (start, end, kind))

    for m in _EMAIL.finditer(probe):
        claim(*m.span(), "EMAIL")
    for pattern in (_EMAIL_ENCODED, _EMAIL_SPELLED, _EMAIL_WORDS):
        for m in pattern.finditer(probe):
            claim(*m.span(), "EMAIL")
    for m in _IBAN.finditer(probe):
        end = _iban_end(m)
        if end is not None:
            claim(m.start(), end, "ACCOUNT")
    for m in _UUID.finditer(probe):
        claim(*m.span(), "ID")
    for m in _USERNAME.finditer(probe):
        value = m.group("value").rstrip(".-")
        if _username(value, bool(m.group("named"))):
            claim(m.start("value"), m.start("value") + len(value), "ACCOUNT")
    for m in _ACCOUNT.finditer(probe):
        _claim_ids(probe, m, claim)
    for m in _DIGIT_RUN.finditer(probe):
        _claim_cards(probe, m, claim)
    for m in _SSN.finditer(probe):
        claim(*(m.span("cued") if m.group("cued") else m.span()), "ID")
    for m in _PERSONAL_ID.finditer(probe):
        if sum(c.isdigit() for c in m.group("value")) >= 3:  # "tin 3 times" names no number
            claim(*m.span("value"), "ID")
    for m in _BIRTH.finditer(probe):
        claim(*m.span("value"), "DATE")
    for m in _SPACED_CARD.finditer(probe):
        digits = re.sub(r"\D", "", m[0])
        if 13 <= len(digits) <= 19 and _luhn(digits):
            claim(*m.span(), "CARD")
    for m in _SPACED_DIGITS.finditer(probe):
        if 10 <= sum(c.isdigit() for c in m[0]) <= 15:
            claim(*m.span(), "PHONE")
    # A phone number in one of its exact shapes first ("+1 (415) 555 - 0199"), so a looser
    # reading of its first digits does not leave the rest out.
    for m in _BARE_PHONE.finditer(probe):
        claim(*(m.span("cued") if m.group("cued") else m.span()), "PHONE")
    for m in _PHONE.finditer(probe):
        value = m.group(0)
        digits = re.sub(r"\D", "", value)
        if len(digits) < 7 or len(digits) > 15 or _DATE_LIKE.match(value.strip()):
            continue
        # A bare 7-8 digit run without separators or "+" is more often an order id than a phone.
        if not value.startswith(("+", "(")) and not re.search(r"[\s./-]", value.strip()):
            continue
        if _not_a_phone(probe, m.start(), m.end()):
            continue
        claim(*m.span(), "PHONE")

    out: list[str] = []
    at = 0
    for start, end, kind in spans:
        out += [text[at:start], name(kind, text[start:end])]
        at = end
    out.append(text[at:])
    return "".join(out)


def _claim_ids(probe: str, m: re.Match[str], claim: Callable[[int, int, str], None]) -> None:
    """The labelled id `m` found and the ones listed after it ("accounts 55667788 and
    55667799"), each if it reads as an id."""
    cued = bool(m.group("word")) or bool(_ID_LABEL_CUED.search(m.group("label").strip()))
    if (
        re.search(r"(?i)[^\W\d_]", m.group("link"))
        and not cued
        and not _ID_SHAPED.fullmatch(m.group("value").rstrip(" ./-"))
    ):
        return  # "the account is 250000 a year": a sentence, not a label
    found: list[tuple[int, int]] = []
    start, value = m.start("value"), m.group("value")
    path = "/" in m.group("link")
    if path:  # "/account/88231907/billing": the id is one step of the path
        value = value.split("/")[0]
    for _ in range(20):
        value = value.rstrip(" ./-")
        end = start + len(value)
        if not _plausible_id(value, cued) or (not cued and _UNIT_AFTER.match(probe, end)):
            break
        found.append((start, end))
        more = _ACCOUNT_MORE.match(probe, end)
        if more is None:
            break
        start, value = more.start("value"), more.group("value")
    # "customers 120000 worldwide" is a count; "accounts 55667788 and 55667799" a list of ids.
    plural = m.group("label").lower().endswith(("s", "ies"))
    if plural and not cued and len(found) < 2 and not re.search(r"[:#=/]", m.group("link")):
        return
    for span in found:
        claim(*span, "ACCOUNT")


# What reads as an id even after "is" ("my account is 55667788", "the contract is INI-2024-77812"):
# a letter code and digits, or seven digits or more; "the account is 250000 a year" is a figure.
_ID_SHAPED = re.compile(r"[A-Za-z]{1,6}-?\d[\d-]{3,}\d|[A-Za-z]{1,6}(?:-\d+){2,}|\d{7,}")


def _plausible_id(value: str, cued: bool) -> bool:
    """An id has digits; one named as a number ("account no.", "Kundennummer") three or more,
    one after a bare "account" or "customer" four or more in six characters or more, so "the
    contract 2026 renewal" and "a 12-month subscription" stay; years, dates, versions,
    quarters and amounts are never ids."""
    digits = sum(c.isdigit() for c in value)
    if digits < 3 or (not cued and (digits < 4 or len(value) < 6)):
        return False
    return not _NOT_AN_ID.fullmatch(value)


def _username(value: str, named: bool) -> bool:
    """A username has a digit or an underscore; after a bare "login" or "handle" a letter too,
    and it is no count or year."""
    if len(value) < 3 or not re.search(r"[\d_]", value) or _NOT_AN_ID.fullmatch(value):
        return False
    return named or (bool(re.search(r"[^\W\d_]", value)) and not _A_COUNT.fullmatch(value))


def _not_a_phone(probe: str, start: int, end: int) -> bool:
    """A run of digits that reads as an order, invoice or ticket number, a span of years or an
    amount ("12 000 000 units", "EUR 1 250 000") rather than as a phone number."""
    value = probe[start:end]
    if value.startswith(("+", "(", "0")) or _NANP.fullmatch(value):
        return False
    before = probe[max(0, start - 40) : start]
    if _NOT_PHONE_BEFORE.search(before) or _YEARS.match(value):
        return True
    groups = re.findall(r"\d+", value)
    thousands = len(groups) > 1 and all(len(g) == 3 for g in groups[1:]) and len(groups[0]) <= 3
    if not thousands or value.startswith(("0", "(")):
        return False
    return (
        len(groups[0]) < 3
        or bool(_CURRENCY_BEFORE.search(before))
        or bool(_UNIT_AFTER.match(probe, end))
    )


def _claim_cards(probe: str, run: re.Match[str], claim: Callable[[int, int, str], None]) -> None:
    """Card numbers inside a run of digit groups ("4111.1111.1111.1111", "... 12 3782 822463
    10005"): the longest stretch of groups, joined by one kind of separator, that holds 13 to 19
    digits and passes the Luhn check. A card is written in at most five groups of three or more
    digits, so each start looks at most five groups ahead: linear. A line break may stand for the
    separator where the text wrapped ("4111 1111\n1111 1111"), but only between groups that
    another separator already joins, so numbers on lines of their own are not read as one card.
    The card's own shape, four groups of four digits from a card network's first digit (3 to 6),
    is a card however the groups are joined ("4111-1111 1111-1111", one group a line)."""
    groups = [(run.start() + g.start(), run.start() + g.end()) for g in _GROUP.finditer(run[0])]
    i = 0
    while i < len(groups):
        best = -1
        digits = ""
        sep = None
        wrapped = mixed = False
        by_fours = probe[groups[i][0]] in "3456"
        for j in range(i, min(i + 5, len(groups))):
            if groups[j][1] - groups[j][0] < 3:
                break
            by_fours = by_fours and groups[j][1] - groups[j][0] == 4
            if j > i:
                between = probe[groups[j - 1][1] : groups[j][0]]
                if "\n" in between:
                    mixed = mixed or wrapped
                    wrapped = True
                elif sep is None:
                    sep = between
                elif between != sep:
                    mixed = True
                if mixed and not by_fours:
                    break
            digits += probe[groups[j][0] : groups[j][1]]
            if len(digits) > 19:
                break
            shaped = not mixed or (by_fours and len(digits) == 16)
            if (
                len(digits) >= 13
                and shaped
                and (sep is not None or not wrapped or mixed)
                and _luhn(digits)
            ):
                best = j
        if best >= 0:
            claim(groups[i][0], groups[best][1], "CARD")
            i = best + 1
        else:
            i += 1


# --- Our own instructions ----------------------------------------------------------------------

# A run of this many words copied from a system prompt is a leak, not a coincidence.
LEAK_WORDS = 8
_WORD = re.compile(r"[a-z0-9$%]+(?:'[a-z]+)?")
_PROMPT_SENTENCE = re.compile(r"(?<=[.!?:;])\s+|\n\s*\n|\n\s*(?:[-*]|\d+\.)\s+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("\u2019", "'"))


def _grams(words: list[str], n: int = LEAK_WORDS) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def system_prompts(settings: Settings) -> list[str]:
    """The coach's system prompts as the models receive them (chat, drafts, triage)."""
    from coach.domain.signals import meanings
    from coach.llm.prompts import render

    texts = [render("agent/system.md.j2", settings, state="")]
    for kind in ("brief", "customer", "call-prep", "follow-up"):
        texts.append(render("drafts/llm_system.md.j2", settings, kind=kind, purpose="."))
    texts.append(render("triage/system.md.j2", settings, signals=meanings()))
    return texts


_prompt_cache: dict[tuple[Path, Path], dict[tuple[str, ...], str]] = {}


def _prompt_grams(settings: Settings) -> dict[tuple[str, ...], str]:
    """Every LEAK_WORDS-word run of the system prompts' sentences, mapped to its sentence;
    runs the playbook also contains are not ours to hide."""
    key = (settings.prompts_dir, settings.knowledge_dir)
    if key not in _prompt_cache:
        _prompt_cache[key] = _collect_grams(settings)
    return _prompt_cache[key]


def _collect_grams(settings: Settings) -> dict[tuple[str, ...], str]:
    knowledge_dir = settings.knowledge_dir
    public: set[tuple[str, ...]] = set()
    if knowledge_dir.is_dir():
        for page in sorted(knowledge_dir.glob("*.md")):
            public |= _grams(_words(page.read_text(encoding="utf-8")))
    grams: dict[tuple[str, ...], str] = {}
    for prompt in system_prompts(settings):
        for sentence in _PROMPT_SENTENCE.split(prompt):
            if "{" in sentence:  # rendered data, not our wording
                continue
            for gram in _grams(_words(sentence)) - public:
                grams.setdefault(gram, " ".join(sentence.split()))
    return grams


def prompt_leaks(text: str, settings: Settings, allowed: Sequence[str] = ()) -> list[str]:
    """The system-prompt sentences whose wording (a run of LEAK_WORDS words or more) appears in
    `text`. Wording also found in `allowed` (the reference draft, the turn's tool results) is
    the coach's material, not a leak."""
    grams = _prompt_grams(settings)
    found = _grams(_words(text)) & grams.keys()
    if found and allowed:
        found -= _grams(_words("\n".join(allowed)))
    return list(dict.fromkeys(grams[g] for g in sorted(found)))
