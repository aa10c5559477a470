"""The fault suite's machinery, shared by CI's short form (tests/test_faults.py) and the long
form (bench/faults.py):

- proxy.py      a loopback proxy on real sockets that loses, delays and refuses REST
                answers, cuts and freezes gRPC connections and WebSockets, and goes dark
- rig.py        the exchange, the proxy, the desk (either venue) with its database, and
                the synthetic trader who trades against the desk's resting orders
- streams.py    random stream kills (and desk restarts) while fills happen
- orders.py     inserts with lost answers; the kill switch under 30% lost answers
- process.py    the desk process SIGKILLed and restarted on its database (desk_child.py)
- stale.py      a frozen price feed, and how soon the desk shows it stale
- reconcile.py  every run's end: the desk's database and state against the exchange's
                journal, and the table of figures

tests/wire_faults.py stays what single tests use to fault one chosen request at one chosen
moment (an httpx transport inside the desk's process); this package is for runs of many
faults drawn at random, on the wire between two real sockets.
"""
