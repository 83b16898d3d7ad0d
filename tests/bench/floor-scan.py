#!/usr/bin/env python3
"""The floor to compare a scanner against: open every connection at once.

Usage: floor-scan.py CIDR HTTP_PORT CGMINER_PORT [TIMEOUT_S]

Connects to both ports of every host address in CIDR at the same moment,
with one deadline, and sends one identifying request on whatever accepts
(GET /api/system/info, or cgminer "version").  Prints one line per address
whose reply looks like a miner, then {"elapsed_ms": …, "found": …}.  No
bounds, no clean-up of slow peers: a lower limit, not a product.
"""
import asyncio
import ipaddress
import json
import resource
import sys
import time

cidr, http_port, cg_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def probe(ip, port):
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(ip, port), timeout)
    except (OSError, asyncio.TimeoutError):
        return False
    try:
        if port == http_port:
            writer.write(f"GET /api/system/info HTTP/1.0\r\nHost: {ip}\r\n\r\n".encode())
        else:
            writer.write(b'{"command":"version"}')
        await writer.drain()
        data = await asyncio.wait_for(reader.read(65536), 5)
        return b"ASICModel" in data or b'"STATUS"' in data
    except (OSError, asyncio.TimeoutError):
        return False
    finally:
        writer.close()


async def main():
    hosts = [str(h) for h in ipaddress.ip_network(cidr).hosts()]
    start = time.monotonic()
    results = await asyncio.gather(*(probe(h, p) for h in hosts for p in (http_port, cg_port)))
    found = [h for i, h in enumerate(hosts) if results[2 * i] or results[2 * i + 1]]
    elapsed = (time.monotonic() - start) * 1000
    for h in found:
        print(json.dumps({"ip": h}))
    print(json.dumps({"elapsed_ms": round(elapsed), "found": len(found)}), file=sys.stderr)


asyncio.run(main())
