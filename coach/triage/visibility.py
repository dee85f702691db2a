"""What an HTML email shows its reader, and the elements it hides.

Text styled so that no reader sees it was put there for a machine: not displayed, transparent or
nearly so, the colour of its background (near-white on the white page, black on black), a font
too small to read, clipped, scaled or moved off the page, squeezed to a pixel with its overflow
hidden, a 0x0 `<svg>`, or hidden by a `<style>` rule (by class, id, element or attribute). CSS
escapes ("n\\6f ne") are read as the browser reads them. Every check looks at one tag or one rule
at a time, so dropping hidden elements stays linear in the size of the email.
"""

from __future__ import annotations

import bisect
import colorsys
import html
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

# An opening tag, each attempt bounded (a tag is at most 2,000 characters); whether it hides its
# content is decided from its attributes. The matching close tag is found by bisecting a list of
# close-tag positions, so removing hidden elements is O(n log n) even for thousands of unclosed
# tags (a lazy `.*?</tag>` rescans to the end of the input for each one: a 560 KB email took 40 s).
_OPEN_TAG = re.compile(r"<(\w{1,20})\b([^<>]{0,2000})>")
_CLOSE_TAG = re.compile(r"</(\w{1,20})\s*>")
_ATTR = re.compile(r"""([\w:-]{1,60})(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_STYLE_BLOCK = re.compile(r"<style\b([^<>]{0,500})>([^<]{0,100000})</style\s*>", re.IGNORECASE)
# A comment, or an element whose content is raw text (a `<!--` in a script is script, not the
# start of a comment). Either one left open runs to the end of the email, as in a browser.
_COMMENT_OR_RAW = re.compile(
    r"<!--(?:-?>|.*?(?:--!?>|\Z))"
    r"|<(script|style|title|textarea|xmp|iframe|noembed|noframes)\b[^<>]{0,2000}>.*?(?:</\1\s*>|\Z)",
    re.IGNORECASE | re.DOTALL,
)
# A rule's body is what lies between a brace and the next one; its selector is the text before
# it, back to the previous brace (at most 500 characters). Found from the braces, so a block of
# 100,000 characters with no rule is read once (a pattern starting with the selector tried each
# of its characters: 43 s on 2 MB).
_BRACE = re.compile(r"[{}]")
_AT_KEYWORD = re.compile(r"@([\w-]+)")
_MAX_BODY = 2000


def _without_comments(html: str) -> str:
    """`html` without its comments, whose markup a browser never reads: "<!-- <style>.t{display:
    none}</style> -->" hides nothing, and "<!-- <div hidden> -->" opens no element."""
    if "<!--" not in html:
        return html
    return _COMMENT_OR_RAW.sub(lambda m: m.group() if m.group(1) else "", html)


def _for_every_screen(media: str) -> bool:
    """Whether a `<style media=...>` applies on every screen, as a style sheet with no `media`
    does: "print" or "speech" is never on a screen, and "screen and (max-width: 600px)" is
    only on some, the same reason rules in `@media` blocks are not read."""
    if not media.strip():
        return True
    return any(
        q.split() in (["all"], ["screen"], ["only", "all"], ["only", "screen"])
        for q in media.lower().split(",")
    )


def _a_layer(prelude: str) -> bool:
    """Whether a block is an `@layer` block ("@layer base {"), which orders its rules but sets
    no condition on them. "@layer a; @supports (x) {" is an @supports block."""
    text = _unescape(prelude).lower()
    last = text.rsplit(";", 1)[-1].strip()
    return last.startswith("@layer") and set(_AT_KEYWORD.findall(text)) == {"layer"}


def _css_rules(css: str) -> Iterator[tuple[str, str, bool]]:
    """(selector, declarations, whether in a layer) of each rule of a style sheet that applies
    on every screen. A rule under a condition hides only where the condition holds: inside
    `@media (max-width: 600px) { ... }` on some screens (or only when printed), inside
    `@supports (display: grid)` or `@container` in some browsers or boxes, which cannot be known
    here; hiding needs certainty, so such a rule hides nothing. Only `@layer` blocks are read
    through. A rule nested in another (".footer { .t {...} }") is a descendant rule, which is
    not read (see `_compound`)."""
    css = _CSS_COMMENT.sub(" ", css)
    # Each block still open: where its selector starts, where its body starts, and whether the
    # rules inside it apply (it is a layer, in blocks that apply).
    blocks: list[tuple[int, int, bool]] = []
    start = 0  # just after the previous brace
    for brace in _BRACE.finditer(css):
        if brace.group() == "{":
            applies = (not blocks or blocks[-1][2]) and _a_layer(css[start : brace.start()])
            blocks.append((start, brace.end(), applies))
        elif blocks:
            selector_start, body_start, _ = blocks.pop()
            innermost = body_start == start  # no block inside: a rule, not a group of them
            if innermost and (not blocks or blocks[-1][2]) and brace.start() - start <= _MAX_BODY:
                selector = css[max(selector_start, body_start - 501) : body_start - 1]
                if selector:
                    yield selector, css[body_start : brace.start()], bool(blocks)
        start = brace.end()


_CSS_COMMENT = re.compile(r"/\*[^*]*\*+(?:[^/*][^*]*\*+)*/")
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n]?|\\(.)")
_NUMBER = r"(-?\d*\.?\d+)"
_LENGTH = re.compile(_NUMBER + r"\s*(px|pt|em|rem|%|vw|vh|cm|mm|in)?\b")
_NEVER_SHOWN = frozenset({"head", "title", "script", "template"})
_NESTING_STEPS = 2000
_NEAR_WHITE = 0xF5  # every channel at least this: unseen on a white page
_NEAR = 24  # colours this close on every channel read as one
_MAX_RULES = 2000  # hiding rules read from <style> blocks; a real email has a few dozen
_MAX_PER_KEY = 20

Colour = tuple[float, float, float, float]  # red, green, blue 0-255; alpha 0-1
_NAMED: dict[str, Colour] = {
    "white": (255, 255, 255, 1), "snow": (255, 250, 250, 1), "ivory": (255, 255, 240, 1),
    "ghostwhite": (248, 248, 255, 1), "whitesmoke": (245, 245, 245, 1),
    "floralwhite": (255, 250, 240, 1), "mintcream": (245, 255, 250, 1),
    "azure": (240, 255, 255, 1), "seashell": (255, 245, 238, 1), "aliceblue": (240, 248, 255, 1),
    "black": (0, 0, 0, 1), "transparent": (0, 0, 0, 0),
    # dark grounds white text is set on ("<span style='background:navy'>")
    "navy": (0, 0, 128, 1), "darkblue": (0, 0, 139, 1), "midnightblue": (25, 25, 112, 1),
    "blue": (0, 0, 255, 1), "maroon": (128, 0, 0, 1), "darkred": (139, 0, 0, 1),
    "red": (255, 0, 0, 1), "green": (0, 128, 0, 1), "darkgreen": (0, 100, 0, 1),
    "purple": (128, 0, 128, 1), "teal": (0, 128, 128, 1), "gray": (128, 128, 128, 1),
    "grey": (128, 128, 128, 1), "dimgray": (105, 105, 105, 1), "darkslategray": (47, 79, 79, 1),
}  # fmt: skip


def _unescape(css: str) -> str:
    def one(m: re.Match[str]) -> str:
        if m.group(1):
            code = int(m.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return m.group(2)

    return _CSS_ESCAPE.sub(one, css) if "\\" in css else css


def declarations(style: str) -> dict[str, str]:
    """A style's declarations, names and values lower-cased, escapes and comments read; the last
    of a name wins, as in a browser, unless an earlier one is `!important`."""
    return _weighted(style)[0]


_IMPORTANT = re.compile(r"!\s*important\s*$")


def _weighted(style: str) -> tuple[dict[str, str], frozenset[str]]:
    """A style's declarations and the names declared `!important`, which no later normal
    declaration overrides: "display:none !important;display:block" hides."""
    style = _CSS_COMMENT.sub(" ", _unescape(style))
    out: dict[str, str] = {}
    important: set[str] = set()
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        if colon:
            name, value = name.strip().lower(), value.lower().strip()
            strong = _IMPORTANT.search(value)
            if strong:
                value = value[: strong.start()].strip()
                important.add(name)
            elif name in important:
                continue
            out[name] = value
    return out, frozenset(important)


def colour(value: str) -> Colour | None:
    """A CSS colour: a name, #rgb(a), #rrggbb(aa), rgb()/rgba() or hsl()/hsla()."""
    value = value.strip().lower()
    if value in _NAMED:
        return _NAMED[value]
    if value.startswith("#"):
        digits = value[1:]
        if len(digits) in (3, 4):
            digits = "".join(d * 2 for d in digits)
        if len(digits) in (6, 8) and all(d in "0123456789abcdef" for d in digits):
            alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
            return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16), alpha)
        return None
    m = re.fullmatch(r"(rgba?|hsla?)\(([^()]{0,80})\)", value)
    if not m:
        return None
    parts = [p for p in re.split(r"[\s,/]+", m.group(2).strip()) if p]
    if len(parts) not in (3, 4):
        return None
    try:
        nums = [float(p.rstrip("%deg")) for p in parts]
    except ValueError:
        return None
    alpha = nums[3] / (100 if parts[3].endswith("%") else 1) if len(nums) == 4 else 1.0
    if m.group(1).startswith("rgb"):
        rgb = [n * 2.55 if p.endswith("%") else n for n, p in zip(nums[:3], parts[:3], strict=True)]
        return (rgb[0], rgb[1], rgb[2], alpha)
    r, g, b = colorsys.hls_to_rgb(nums[0] / 360 % 1, nums[2] / 100, nums[1] / 100)
    return (r * 255, g * 255, b * 255, alpha)


def _first_colour(value: str) -> Colour | None:
    """The colour in a `background` shorthand ("#000 url(x.png) no-repeat")."""
    for token in re.findall(r"#[0-9a-f]{3,8}\b|(?:rgba?|hsla?)\([^()]{0,80}\)|[a-z]+", value):
        found = colour(token)
        if found is not None:
            return found
    return None


def _near_white(c: Colour) -> bool:
    return min(c[:3]) >= _NEAR_WHITE


def _alike(a: Colour, b: Colour) -> bool:
    return all(abs(x - y) <= _NEAR for x, y in zip(a[:3], b[:3], strict=True))


def _length(value: str) -> tuple[float, str] | None:
    m = _LENGTH.match(value.strip())
    return (float(m.group(1)), m.group(2) or "") if m else None


def _tiny(value: str, px: float, em: float, percent: float = 0.0) -> bool:
    found = _length(value)
    if found is None:
        return False
    size, unit = found
    limit = {"px": px, "pt": px, "": px, "em": em, "rem": em, "%": percent}.get(unit)
    return limit is not None and size <= limit


def _far_off(value: str) -> bool:
    """A position or indent that puts the text off the page ("left:-999px")."""
    found = _length(value)
    if found is None:
        return False
    size, unit = found
    return size <= {"px": -500, "pt": -500, "em": -30, "rem": -30, "%": -100}.get(unit, -500)


def _scaled_away(value: str) -> bool:
    for m in re.finditer(r"scale[xyz3d]*\(([^()]{0,80})\)", value):
        for part in re.split(r"[\s,]+", m.group(1).strip()):
            try:
                if abs(float(part)) <= 0.05:
                    return True
            except ValueError:
                continue
    return False


def _clipped(d: dict[str, str]) -> bool:
    # `clip` applies only to an absolutely positioned box: "<div style='clip:rect(0,0,0,0)'>"
    # in the flow of the page is shown whole.
    positioned = d.get("position", "").split()[:1] in (["absolute"], ["fixed"])
    clip = d.get("clip", "") if positioned else ""
    if re.match(r"rect\(\s*0\w*\s*,?\s*0\w*\s*,?\s*0\w*\s*,?\s*0\w*\s*\)", clip):
        return True
    path = d.get("clip-path", "")
    inset = re.match(r"inset\(\s*" + _NUMBER + r"\s*%", path)
    if inset and float(inset.group(1)) >= 50:
        return True
    return bool(re.match(r"(circle|ellipse)\(\s*0+(\.0+)?(px|%)?\s*(\)|at|0)", path))


def hides(d: dict[str, str], before: str = "", page_coloured: bool = False) -> bool:
    """Whether declarations leave their text unseen. `before` is the markup just before the
    element, whose background it may sit on (white text on a coloured cell is read);
    `page_coloured` says the page itself is not white (then near-white text is read too)."""
    if d.get("display") == "none" or d.get("visibility") in ("hidden", "collapse"):
        return True
    if d.get("mso-hide") == "all" or _scaled_away(d.get("transform", "")) or _clipped(d):
        return True
    opacity = _length(d.get("opacity", ""))
    if opacity is not None and opacity[0] / (100 if opacity[1] == "%" else 1) <= 0.05:
        return True
    if "font-size" in d and _tiny(d["font-size"], px=2.99, em=0.2, percent=10):
        return True
    if any(
        _far_off(d[k])
        for k in ("left", "top", "text-indent", "margin-left", "margin-top")
        if k in d
    ):
        return True
    if d.get("overflow", "").startswith(("hidden", "clip")) and any(
        _tiny(d[k], px=1, em=0.05) for k in ("height", "max-height", "width", "max-width") if k in d
    ):
        return True
    text = colour(d["color"]) if "color" in d else None
    if text is None:
        return False
    if text[3] <= 0.1:
        return True
    if any(_imaged(d.get(k, "")) for k in ("background-image", "background")):
        # White text on a picture or gradient ("background-image:linear-gradient(#000,#000)"):
        # what is behind the text cannot be known, so its colour hides nothing.
        return False
    own = d.get("background-color") or d.get("background")
    ground = _first_colour(own) if own else None
    if ground is not None and ground[3] > 0.1:
        return _alike(text, ground)  # black on black, white on white
    background = _background_before(before) if before else None
    if background is not None:
        return background != "picture" and _alike(text, background)
    return _near_white(text) and not page_coloured


_IMAGE = re.compile(r"\b(?:url|image-set|(?:repeating-)?(?:linear|radial|conic)-gradient)\(")


def _imaged(value: str) -> bool:
    """A background value that paints a picture or a gradient."""
    return bool(_IMAGE.search(value))


# Plain inline boxes: `height`, `width` and `transform` do not apply to them, so
# "<span style='height:0;overflow:hidden'>" and "<span style='transform:scale(0)'>" show their
# text, unless a display, float or absolute position makes the box a block.
_INLINE_TAGS = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "del", "dfn", "em", "font", "i", "ins",
    "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup",
    "time", "tt", "u", "var",
})  # fmt: skip
_INLINE_DISPLAY = frozenset({"", "inline", "initial", "unset", "revert", "revert-layer"})
_BOX_ONLY = ("height", "max-height", "width", "max-width", "overflow", "transform")


def _laid_out(name: str, d: dict[str, str]) -> dict[str, str]:
    """`d` without the declarations that do not apply to a `name` element as it is laid out."""
    inline = (
        name in _INLINE_TAGS
        and d.get("display", "") in _INLINE_DISPLAY
        and d.get("float", "none") in ("none", "")
        and d.get("position", "").split()[:1] not in (["absolute"], ["fixed"])
    )
    return {k: v for k, v in d.items() if k not in _BOX_ONLY} if inline else d


# --- <style> rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Compound:
    """One compound selector ("span.note", "#x", "[data-h]"): every part must hold."""

    tag: str | None
    ids: tuple[str, ...]
    classes: tuple[str, ...]
    attrs: tuple[tuple[str, str | None], ...]

    def key(self) -> str:
        if self.ids:
            return "#" + self.ids[0]
        if self.classes:
            return "." + self.classes[0]
        if self.attrs:
            return "[" + self.attrs[0][0]
        return self.tag or ""

    def specificity(self) -> tuple[int, int, int]:
        return (len(self.ids), len(self.classes) + len(self.attrs), 1 if self.tag else 0)

    def matches(self, tag: _Tag) -> bool:
        return (
            (self.tag is None or self.tag == tag.name)
            and all(i == tag.id for i in self.ids)
            and all(c in tag.classes for c in self.classes)
            and all(
                name in tag.attrs and (value is None or tag.attrs[name] == value)
                for name, value in self.attrs
            )
        )


_COMPOUND = re.compile(
    r"([a-z][\w-]*)?((?:#[\w-]+|\.[\w-]+|\[\s*[\w:-]+\s*(?:[~|^$*]?=\s*(?:\"[^\"]*\"|'[^']*'|[\w-]+))?\s*\])*)$",
    re.IGNORECASE,
)
_PART = re.compile(
    r"#([\w-]+)|\.([\w-]+)|\[\s*([\w:-]+)\s*(?:(=)\s*(?:\"([^\"]*)\"|'([^']*)'|([\w-]+))|[~|^$*]=[^\]]*)?\s*\]"
)


_BRACKETS = re.compile(r"\[[^\[\]]*\]")  # an attribute part ("[lang~=en]", "[title='a b']")


def _compound(selector: str) -> _Compound | None:
    """The selector as one compound, or None for what is not read: pseudo-classes (":hover"
    hides nothing by itself), the universal selector, the page itself, and a selector with a
    combinator (descendant, ">", "+", "~"). Tags are read one at a time, without their
    ancestors or siblings, so `.footer p` cannot be matched exactly: read as its last part it
    hid every <p> of the email, and `p.a + p` hid all of it. Such a rule is ignored."""
    last = selector.strip()
    if re.search(r"[\s>+~]", _BRACKETS.sub("[]", last)):
        return None
    if not last or ":" in last or "*" in last:
        return None
    m = _COMPOUND.match(last)
    if not m:
        return None
    tag = (m.group(1) or "").lower() or None
    if tag in ("html", "body") or (tag is None and not m.group(2)):
        return None
    ids: list[str] = []
    classes: list[str] = []
    attrs: list[tuple[str, str | None]] = []
    for part in _PART.finditer(m.group(2)):
        if part.group(1):
            ids.append(part.group(1))
        elif part.group(2):
            classes.append(part.group(2))
        else:
            value = part.group(5) or part.group(6) or part.group(7) if part.group(4) else None
            attrs.append((part.group(3).lower(), value))
    return _Compound(tag, tuple(ids), tuple(classes), tuple(attrs))


@dataclass(frozen=True)
class _Rule:
    """One `<style>` rule for one compound selector, `order` its place in the email."""

    compound: _Compound
    order: int
    declared: dict[str, str]
    important: frozenset[str]
    layered: bool


@dataclass
class _Rules:
    """The `<style>` rules, each with its declarations, indexed by one part of its selector so a
    tag is checked against a few rules, not all of them. What a tag shows is the cascade: the
    rules that match it in order of specificity and then of appearance, its own style last; an
    `!important` declaration beats every normal one. A rule in an `@layer` block loses to every
    rule outside one ("p {display:block} @layer x {p {display:none}}" shows the <p>), unless
    both are `!important`, when it wins."""

    by_key: dict[str, list[_Rule]] = field(default_factory=lambda: defaultdict(list))
    page_coloured: bool = False

    def __bool__(self) -> bool:
        return bool(self.by_key)

    def cascade(self, tag: _Tag) -> tuple[dict[str, str], set[str]]:
        """The declarations of the rules that match `tag`, and the names set `!important`."""
        keys = [tag.name, *("." + c for c in tag.classes), *("[" + a for a in tag.attrs)]
        if tag.id:
            keys.append("#" + tag.id)
        matched = {
            rule.order: rule
            for k in keys
            for rule in self.by_key.get(k, ())
            if rule.compound.matches(tag)
        }
        ranked = sorted(
            matched.values(), key=lambda r: (not r.layered, r.compound.specificity(), r.order)
        )
        out: dict[str, str] = {}
        for rule in ranked:
            out.update((k, v) for k, v in rule.declared.items() if k not in rule.important)
        strong: set[str] = set()
        for rule in sorted(ranked, key=lambda r: r.layered):  # stable: otherwise as ranked
            out.update((k, rule.declared[k]) for k in rule.important)
            strong |= rule.important
        return out, strong


# What a rule may change about whether its text is seen: only such rules are kept.
_SEEN = re.compile(
    r"display|visibility|opacity|color|background|font-size|left|top|text-indent|margin|"
    r"transform|clip|overflow|height|width|mso-hide"
)


def _rules(html: str) -> _Rules:
    found = _Rules()
    count = 0
    for block in _STYLE_BLOCK.finditer(html):
        if not _for_every_screen(_tag("style", block.group(1)).attrs.get("media", "")):
            continue
        for selector_text, body, layered in _css_rules(block.group(2)):
            d, important = _weighted(body)
            ground = d.get("background-color") or d.get("background")
            shade = _first_colour(ground) if ground else None
            page = re.search(r"\b(body|html)\b", selector_text, re.IGNORECASE)
            if page and shade is not None and shade[3] > 0.1 and not _near_white(shade):
                found.page_coloured = True  # a dark page: near-white text on it is read
            if count >= _MAX_RULES or not any(_SEEN.match(k) for k in d):
                continue
            for selector in _unescape(selector_text).split(","):
                compound = _compound(selector)
                into = found.by_key[compound.key()] if compound is not None else None
                if compound is not None and into is not None and len(into) < _MAX_PER_KEY:
                    into.append(_Rule(compound, count, d, important, layered))
                    count += 1
    return found


# --- tags ------------------------------------------------------------------------------------


@dataclass
class _Tag:
    name: str
    attrs: dict[str, str]

    @property
    def id(self) -> str:
        return self.attrs.get("id", "")

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()


def _tag(name: str, text: str) -> _Tag:
    attrs: dict[str, str] = {}
    for m in _ATTR.finditer(text):
        # A browser reads an attribute with its character references decoded:
        # style="display&#58;none" hides as display:none does.
        value = m.group(2) or m.group(3) or m.group(4) or ""
        attrs.setdefault(m.group(1).lower(), html.unescape(value) if "&" in value else value)
    return _Tag(name.lower(), attrs)


_BACKGROUND_BEFORE = re.compile(
    r"""(?:background(?:-color|-image)?\s*:|bgcolor\s*=\s*["']?)\s*([^;"'>]{1,80})""", re.IGNORECASE
)


_OPENING_NAME = re.compile(r"<(\w{1,20})\b[^<>]*$")


def _background_before(before: str) -> Colour | Literal["picture"] | None:
    """The last background set in the 400 characters before a tag (a coloured cell or button
    the element may sit on); "picture" when it is an image or a gradient, whose colour under
    the text cannot be known ("<td style='background-image:url(hero.jpg)'>")."""
    shade: Colour | Literal["picture"] | None = None
    for m in _BACKGROUND_BEFORE.finditer(before):
        # A sibling's background closed before the element does not sit under it: "<td
        # style='background:#000'>..</td><span style='color:#fff'>" is white on the page.
        opened = _OPENING_NAME.search(before, 0, m.start())
        if opened is not None:
            name, after = re.escape(opened.group(1)), before[m.end() :]
            inner = len(re.findall(rf"<{name}\b", after, re.IGNORECASE))
            if len(re.findall(rf"</{name}\s*>", after, re.IGNORECASE)) > inner:
                continue
        found = _first_colour(m.group(1))
        if _imaged(m.group(1)):
            shade = "picture"
        elif found is not None and found[3] > 0.1:
            shade = found
    return shade


def _coloured_page(body: _Tag) -> bool:
    ground = body.attrs.get("bgcolor") or declarations(body.attrs.get("style", "")).get(
        "background-color", declarations(body.attrs.get("style", "")).get("background", "")
    )
    shade = _first_colour(ground) if ground else None
    return shade is not None and shade[3] > 0.1 and not _near_white(shade)


def _hidden(tag: _Tag, style: dict[str, str], before: str, page_coloured: bool) -> bool:
    if tag.name in ("svg", "iframe", "object") and any(
        _tiny(tag.attrs.get(k, "1"), px=0, em=0) for k in ("width", "height")
    ):
        return True
    return hides(_laid_out(tag.name, style), before, page_coloured)


# What a child inherits and may set back: "<div style='font-size:0'><span style='font-size:
# 14px'>" shows the span, as "visibility:visible" and its own colour do.
_INHERITED = ("visibility", "font-size", "color")
_GROUND = ("background", "background-color")


def _own(style: dict[str, str]) -> dict[str, str]:
    """The declarations no child can undo (display, opacity, clipping...)."""
    return {k: v for k, v in style.items() if k not in _INHERITED}


def _under(parent: dict[str, str], child: dict[str, str]) -> dict[str, str]:
    """What a child of a hidden-by-inheritance element shows: the parent's visibility, size and
    colour unless it sets its own, on the nearest background (its own, else the parent's):
    "<p style='color:white'><span style='background:navy'>" is white on navy, read."""
    d = {k: parent[k] for k in _INHERITED if k in parent}
    if not any(k in child for k in _GROUND):
        d.update({k: parent[k] for k in _GROUND if k in parent})
    d.update(child)
    size, inherited = child.get("font-size", ""), parent.get("font-size", "")
    found = _length(size)
    relative = size in ("larger", "smaller") or (found is not None and found[1] in ("em", "%"))
    if relative and inherited and _tiny(inherited, px=2.99, em=0.2, percent=10):
        d["font-size"] = inherited  # "2em" of nothing is nothing
    return d


def shown_style(tag: _Tag, rules: _Rules) -> dict[str, str]:
    """The declarations that decide whether the tag's text is seen: its `<style>` rules in
    cascade order, then its own style attribute, which wins (an inline `display:block` shows
    what a rule `p {display:none}` would hide; of `.hide` and `.show`, the later rule wins),
    except over a rule's `!important` (".q {display:none !important}" hides a `class="q"
    style="display:block"`), unless its own is `!important` too."""
    d, strong = rules.cascade(tag) if rules else ({}, set())
    own, own_strong = _weighted(tag.attrs.get("style") or "")
    if tag.name == "font" and "color" in tag.attrs and colour(tag.attrs["color"]) is not None:
        own.setdefault("color", tag.attrs["color"])
    if "bgcolor" in tag.attrs:
        own.setdefault("background-color", tag.attrs["bgcolor"])
    for name in strong - own_strong:
        own.pop(name, None)
    d.update(own)
    if "hidden" in tag.attrs:
        # The browser's own `[hidden] {display:none}`, weaker than any display the email sets:
        # "<p hidden style='display:block'>" is shown. "until-found" hides by
        # `content-visibility` instead, which no display undoes.
        until_found = tag.attrs["hidden"].strip().lower() == "until-found"
        if until_found or d.get("display", "revert") in ("revert", "revert-layer"):
            d["display"] = "none"
    return d


def drop_hidden(html: str) -> tuple[str, int]:
    """`html` without the elements styled invisible (from the opening tag to its closing tag,
    counting nested tags of the same name), and how many were dropped. An element never closed
    hides the rest, as it does in a mail client; the head, title and scripts are never shown. An
    element hidden only by `visibility: hidden` still shows a child set `visibility: visible`.
    Comments are left out first: nothing in them is shown, applied or opened."""
    html = _without_comments(html)
    closes: dict[str, list[tuple[int, int]]] = {}
    for m in _CLOSE_TAG.finditer(html):
        closes.setdefault(m.group(1).lower(), []).append((m.start(), m.end()))
    starts = {name: [a for a, _ in spans] for name, spans in closes.items()}
    opens: dict[str, list[int]] = {}
    tags = list(_OPEN_TAG.finditer(html))
    for m in tags:
        opens.setdefault(m.group(1).lower(), []).append(m.start())
    rules = _rules(html)

    def end_of(name: str, m: re.Match[str]) -> int | None:
        """Where the element opened by `m` closes; None when it never does."""
        spans = closes.get(name, [])
        k = bisect.bisect_left(starts.get(name, []), m.end())
        if k == len(spans):
            return None
        # Nested tags of the same name ("<div hidden><div>..</div>..</div>"): walk the opens and
        # closes after this one until the depth returns to zero, a bounded number of steps.
        named = opens.get(name, [])
        o = bisect.bisect_right(named, m.start())
        depth, steps = 1, 0
        while depth and k < len(spans) and steps < _NESTING_STEPS:
            if o < len(named) and named[o] < spans[k][0]:
                depth, o = depth + 1, o + 1
            else:
                depth, k = depth - 1, k + 1
            steps += 1
        k = min(k - 1 if depth == 0 else k, len(spans) - 1)
        return spans[k][1]

    out: list[str] = []
    pos = dropped = 0
    for i, m in enumerate(tags):
        if m.start() < pos:
            continue  # inside an element already dropped
        name = m.group(1).lower()
        unseen = False  # hidden only by what a child may set back (its visibility, size, colour)
        style: dict[str, str] = {}
        if name not in _NEVER_SHOWN:
            tag = _tag(name, m.group(2))
            if name == "body" and _coloured_page(tag):
                rules.page_coloured = True
            before = html[max(0, m.start() - 400) : m.start()]
            style = shown_style(tag, rules)
            if not _hidden(tag, style, before, rules.page_coloured):
                continue
            unseen = not _hidden(tag, _own(style), before, rules.page_coloured)
        end = end_of(name, m)
        out.append(html[pos : m.start()])
        pos = len(html) if end is None else end
        dropped += name not in _NEVER_SHOWN  # a head or a script is not hidden text
        # "<div style='visibility:hidden'><p style='visibility:visible'>...</p>": the children
        # that show are kept, each read once; a child hidden in its own right ("display:none")
        # is skipped whole, so nothing under it is brought back.
        inner = i + 1
        while unseen and inner < len(tags) and tags[inner].start() < pos:
            child = tags[inner]
            child_name = child.group(1).lower()
            inner += 1
            child_tag = _tag(child_name, child.group(2))
            child_style = shown_style(child_tag, rules)
            near = html[max(0, child.start() - 400) : child.start()]
            away = child_name in _NEVER_SHOWN or _hidden(
                child_tag, _own(child_style), near, rules.page_coloured
            )
            seen = not away and not hides(
                _under(style, _laid_out(child_name, child_style)), near, rules.page_coloured
            )
            if not away and not seen:
                continue  # hidden by what it inherits: its own children may still show
            child_end = end_of(child_name, child)
            if child_end is None or child_end > pos:
                if away:
                    break  # hidden to the parent's end
                continue
            if seen:
                out.append(" " + html[child.start() : child_end] + " ")
            while inner < len(tags) and tags[inner].start() < child_end:
                inner += 1
        if end is None:  # never closed: a mail client hides the rest as well
            break
    out.append(html[pos:])
    return "".join(out), dropped
