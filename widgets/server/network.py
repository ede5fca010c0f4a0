"""This computer's address on the local network (for room mode), found without traffic."""

from __future__ import annotations

import ipaddress
import socket

#: A private address to "connect" a UDP socket to: no packet is sent (UDP has no handshake);
#: the system only picks the interface and source address it would use for that route.
_PROBE = ("10.255.255.255", 1)


def lan_address() -> str | None:
    """The IPv4 address other devices on the local network reach this computer at, or
    None when there is none (no network, or only the loopback interface)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(_PROBE)
            address = probe.getsockname()[0]
    except OSError:
        return None
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return None
    if parsed.is_loopback or parsed.is_unspecified or parsed.is_link_local:
        return None
    return str(parsed)
