# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration of memopt's documentation: plain Sphinx, none of the
# kernel tree's extensions (kernel-doc, kernel-abi, ...), so that Debian's
# python3-sphinx builds it from this directory alone:
#
#   sphinx-build -W --keep-going -b html Documentation out/docs/html
#
# scripts/tests/docs.sh runs exactly that, warnings fatal.

import os

project = 'memopt'
copyright = 'The memopt authors'
author = 'The memopt authors'


def _version():
    try:
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                               '..', 'VERSION')) as f:
            return f.read().strip()
    except OSError:
        return ''


version = release = _version()

extensions = []
master_doc = 'index'
source_suffix = {'.rst': 'restructuredtext'}

# The YNL spec is data, not a page; conf.py and build output are not pages.
exclude_patterns = ['netlink/specs', '_build', 'output']

# Cross-references are checked by -W where Sphinx resolves them (:doc:,
# section links); nitpicky would also demand targets for every C name.
nitpicky = False

# The kernel's Documentation/ uses no default role either: ``literal``.
highlight_language = 'none'
pygments_style = 'sphinx'

html_theme = 'alabaster'
html_title = 'memopt %s' % release if release else 'memopt'
html_static_path = []
html_show_sourcelink = False
