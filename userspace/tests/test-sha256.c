// SPDX-License-Identifier: GPL-2.0 OR MIT
/* SHA-256 against the FIPS 180-4 / NIST example vectors. */
#include <string.h>

#include "../lib/sha256.h"
#include "../../tests/tap.h"

int main(void)
{
	static const struct { const char *in, *out; } v[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
		  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
	};
	struct sha256 c;
	uint8_t d[32];
	char hex[65], buf[1000];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sha256_hex(v[i].in, strlen(v[i].in), hex);
		tap_ok(!strcmp(hex, v[i].out), "sha256 vector %zu (%zu bytes)",
		       i, strlen(v[i].in));
	}
	/* One million 'a', fed in odd-sized pieces to cross block edges. */
	memset(buf, 'a', sizeof(buf));
	sha256_init(&c);
	for (i = 0; i < 1000000;) {
		size_t n = 1 + (i * 7) % 997;

		if (n > 1000000 - i)
			n = 1000000 - i;
		sha256_update(&c, buf, n);
		i += n;
	}
	sha256_final(&c, d);
	sha256_tohex(d, hex);
	tap_ok(!strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
	       "sha256 of one million 'a' in uneven pieces");
	return tap_done();
}
