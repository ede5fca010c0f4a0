"""Text that would run, break out of HTML or fake markup if it were not kept as text: what
people in the room might type, for the room's widget, report and browser tests."""

#: Twenty strings that would run, break out of HTML or fake markup if not kept as text.
HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    '"><svg onload="window.__pwned=3">',
    "</textarea><script>window.__pwned=4</script>",
    "<iframe src=\"javascript:window.__pwned=5\"></iframe>",
    "javascript:window.__pwned=6",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "<b>bold</b> &amp; &lt;kept&gt;",
    "' onmouseover='window.__pwned=7' x='",
    "<a href=\"javascript:window.__pwned=8\">click</a>",
    "<style>body{display:none}</style>",
    "<details open ontoggle=\"window.__pwned=9\">",
    "<math><mtext></mtext><mglyph><svg><mtext><style><img src=x onerror=window.__pwned=10>",
    "\u202eevil\u202c right-to-left override",
    "<input autofocus onfocus=\"window.__pwned=11\">",
    "<body onload=window.__pwned=12>",
    "<!-- comment --> --> <![CDATA[x]]>",
    "<video><source onerror=\"window.__pwned=13\"></video>",
    "Robert'); DROP TABLE contributions;--",
    "<marquee onstart=window.__pwned=14>moving</marquee>",
]
