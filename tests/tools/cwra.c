// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cwra: send one IPv6 router advertisement carrying PREF64 options (RFC
 * 8781), as a NAT64 network's router does. Debian 12's radvd (2.19) has no
 * PREF64 option, hence this. The advertisement has a router lifetime of 0,
 * so it installs no default route: only its options matter.
 *
 *   cwra IFACE SRC PREFIX/LEN[@LIFETIME]...
 *
 * SRC is a link-local address of IFACE (the kernel drops an RA from any
 * other source); LIFETIME is in seconds (default 1800; 0 withdraws the
 * prefix), rounded up to the option's unit of 8 seconds, at most 65528.
 * Exits 0 once the advertisement was sent, 2 on a usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const usage =
	"usage: cwra IFACE SRC PREFIX/LEN[@LIFETIME]...\n";

/* RFC 8781: prefix length -> Prefix Length Code */
static int plc_of(unsigned long len)
{
	switch (len) {
	case 96: return 0;
	case 64: return 1;
	case 56: return 2;
	case 48: return 3;
	case 40: return 4;
	case 32: return 5;
	}
	return -1;
}

static int add_pref64(unsigned char *o, const char *arg)
{
	char buf[128], *slash, *at, *end;
	unsigned long len, life = 1800, scaled;
	unsigned char a[16];
	int plc;

	if (strlen(arg) >= sizeof(buf))
		return -1;
	strcpy(buf, arg);
	at = strchr(buf, '@');
	if (at) {
		*at++ = '\0';
		errno = 0;
		life = strtoul(at, &end, 10);
		if (errno || !*at || *end || life > 65528)
			return -1;
	}
	slash = strchr(buf, '/');
	if (!slash)
		return -1;
	*slash++ = '\0';
	len = strtoul(slash, &end, 10);
	plc = plc_of(len);
	if (*end || plc < 0 || inet_pton(AF_INET6, buf, a) != 1)
		return -1;
	scaled = (life + 7) / 8;
	o[0] = 38;	/* ND_OPT_PREF64 */
	o[1] = 2;	/* 16 bytes */
	o[2] = (unsigned char)((scaled << 3 | (unsigned long)plc) >> 8);
	o[3] = (unsigned char)(scaled << 3 | (unsigned long)plc);
	memcpy(o + 4, a, 12);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned char pkt[1024];
	struct nd_router_advert *ra = (struct nd_router_advert *)pkt;
	struct sockaddr_in6 src = { .sin6_family = AF_INET6 };
	struct sockaddr_in6 dst = { .sin6_family = AF_INET6 };
	size_t len = sizeof(*ra);
	int fd, i, hops = 255;
	unsigned int ifindex;

	if (argc < 4) {
		fputs(usage, stderr);
		return 2;
	}
	ifindex = if_nametoindex(argv[1]);
	if (!ifindex) {
		fprintf(stderr, "cwra: no interface %s\n", argv[1]);
		return 2;
	}
	if (inet_pton(AF_INET6, argv[2], &src.sin6_addr) != 1 ||
	    !IN6_IS_ADDR_LINKLOCAL(&src.sin6_addr)) {
		fprintf(stderr, "cwra: %s is not a link-local address\n", argv[2]);
		return 2;
	}
	memset(pkt, 0, sizeof(pkt));
	ra->nd_ra_type = ND_ROUTER_ADVERT;
	ra->nd_ra_curhoplimit = 64;
	for (i = 3; i < argc; i++, len += 16) {
		if (len + 16 > sizeof(pkt) || add_pref64(pkt + len, argv[i])) {
			fprintf(stderr, "cwra: expected PREFIX/LEN[@LIFETIME] with LEN 32, 40, 48, 56, 64 or 96 and LIFETIME 0-65528, not '%s'\n",
				argv[i]);
			return 2;
		}
	}

	fd = socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6);
	if (fd < 0) {
		perror("cwra: socket");
		return 1;
	}
	src.sin6_scope_id = ifindex;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops,
		       sizeof(hops)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex,
		       sizeof(ifindex)) ||
	    bind(fd, (struct sockaddr *)&src, sizeof(src))) {
		perror("cwra: socket options");
		return 1;
	}
	/* The kernel fills in the ICMPv6 checksum of a raw ICMPv6 socket. */
	inet_pton(AF_INET6, "ff02::1", &dst.sin6_addr);
	dst.sin6_scope_id = ifindex;
	if (sendto(fd, pkt, len, 0, (struct sockaddr *)&dst, sizeof(dst)) !=
	    (ssize_t)len) {
		perror("cwra: sendto");
		return 1;
	}
	close(fd);
	return 0;
}
