/* What the network parts of the API (client.h, fetch.h) share: the address family a connection
 * may use. One spelling, mapped to the operating system's values inside the library. */
#ifndef GREET_NET_H
#define GREET_NET_H

enum greet_family {
    GREET_FAMILY_ANY = 0, /* IPv6 and IPv4, in the resolver's order */
    GREET_FAMILY_IPV4 = 4,
    GREET_FAMILY_IPV6 = 6
};

#endif
