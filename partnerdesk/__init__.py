"""PartnerDesk: the service layer, settings and command line around the domain packages.

pyarrow takes its memory from the system allocator unless the environment says otherwise: it
hands a usage import's batches back as they are done, where pyarrow's default pool kept them
and the import's peak memory went over issue 14's target (bench/RESULTS.md). pyarrow reads the
variable when it is first imported, so it is set here, before any module of ours imports it.
"""

import os

os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
