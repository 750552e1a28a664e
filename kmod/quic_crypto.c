// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's crypto for the QUIC Initial parser (quic.h), and the per-CPU
 * room it works in.
 *
 * What a GKI vendor module may call (../shared/GKI.md): crypto_alloc_shash,
 * crypto_shash_setkey and crypto_shash_digest (HMAC-SHA256 for HKDF), and
 * the AES library, aes_expandkey and aes_encrypt (header protection, and
 * the block cipher under quic.c's GCM). crypto_alloc_aead("gcm(aes)") is
 * listed too, but it does not fit the packet path: every connection has
 * its own key, and crypto_aead_setkey() on the generic gcm template
 * allocates with GFP_KERNEL and waits for a request (crypto/gcm.c), which
 * must not happen in a netfilter hook.
 *
 * Everything is allocated at load, outside the packet path: one context
 * per possible CPU with its own hmac(sha256) transform (a transform's key
 * is shared by its users, so it cannot be shared between CPUs), its AES
 * key schedules, a private copy of the datagram (protection is removed in
 * place) and a parser state for a flow's first datagram. A context is used
 * with bottom halves disabled, so a softirq transmission on the same CPU
 * cannot reuse it meanwhile. Nothing here sleeps or allocates per packet.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aes.h>
#include <crypto/hash.h>
#include <linux/bottom_half.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include "quic_crypto.h"

static struct cw_quic_cpu **cw_quic_cpus;

static int cw_quic_hmac(void *ctx, const u8 *key, u32 key_len,
			const u8 *msg, u32 msg_len, u8 out[32])
{
	struct cw_quic_cpu *qc = ctx;
	int err;

	if (!qc->desc)
		return -EOPNOTSUPP;
	err = crypto_shash_setkey(qc->desc->tfm, key, key_len);
	if (err)
		return err;
	return crypto_shash_digest(qc->desc, msg, msg_len, out);
}

#if IS_ENABLED(CONFIG_CRYPTO_LIB_AES)
static int cw_quic_aes_setkey(void *ctx, int slot, const u8 key[16])
{
	struct cw_quic_cpu *qc = ctx;

	return aes_expandkey(&qc->aes[slot], key, 16);
}

static void cw_quic_aes_block(void *ctx, int slot, const u8 in[16],
			      u8 out[16])
{
	struct cw_quic_cpu *qc = ctx;

	aes_encrypt(&qc->aes[slot], out, in);
}
#else
/* A kernel without the AES library (Kconfig selects it in a tree). */
static int cw_quic_aes_setkey(void *ctx, int slot, const u8 key[16])
{
	return -EOPNOTSUPP;
}

static void cw_quic_aes_block(void *ctx, int slot, const u8 in[16],
			      u8 out[16])
{
	memset(out, 0, 16);
}
#endif

struct cw_quic_cpu *cw_quic_this_cpu(void)
{
	lockdep_assert_in_softirq();
	return cw_quic_cpus[smp_processor_id()];
}

static void cw_quic_cpu_free(struct cw_quic_cpu *qc)
{
	if (!qc)
		return;
	if (qc->desc) {
		crypto_free_shash(qc->desc->tfm);
		kfree_sensitive(qc->desc);
	}
	kfree_sensitive(qc);
}

static struct cw_quic_cpu *cw_quic_cpu_new(void)
{
	struct crypto_shash *tfm;
	struct cw_quic_cpu *qc;

	/* No node: GKI has no NUMA, and no list has kmalloc_large_node. */
	qc = kzalloc(sizeof(*qc), GFP_KERNEL);
	if (!qc)
		return NULL;
	/*
	 * Synchronous only: the hook cannot wait for an async driver. A
	 * kernel without hmac(sha256) (the debug rig's tinyconfig) leaves
	 * desc NULL: every Initial is then unreadable and fails closed.
	 */
	tfm = crypto_alloc_shash("hmac(sha256)", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm) && PTR_ERR(tfm) != -ENOENT)
		goto fail;
	if (!IS_ERR(tfm)) {
		qc->desc = kzalloc(sizeof(*qc->desc) +
				   crypto_shash_descsize(tfm), GFP_KERNEL);
		if (!qc->desc) {
			crypto_free_shash(tfm);
			goto fail;
		}
		qc->desc->tfm = tfm;
	}
	qc->ops.hmac_sha256 = cw_quic_hmac;
	qc->ops.aes_setkey = cw_quic_aes_setkey;
	qc->ops.aes_block = cw_quic_aes_block;
	qc->ops.ctx = qc;
	return qc;
fail:
	kfree(qc);
	return NULL;
}

int cw_quic_crypto_init(void)
{
	int cpu;

	cw_quic_cpus = kcalloc(nr_cpu_ids, sizeof(*cw_quic_cpus), GFP_KERNEL);
	if (!cw_quic_cpus)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		cw_quic_cpus[cpu] = cw_quic_cpu_new();
		if (!cw_quic_cpus[cpu]) {
			cw_quic_crypto_exit();
			return -ENOMEM;
		}
	}
	if (!IS_ENABLED(CONFIG_CRYPTO_LIB_AES) ||
	    !cw_quic_cpus[cpumask_first(cpu_possible_mask)]->desc)
		pr_warn("no hmac(sha256) or AES library: QUIC Initials cannot be read and fail closed while a name is denied\n");
	return 0;
}

void cw_quic_crypto_exit(void)
{
	int cpu;

	if (!cw_quic_cpus)
		return;
	for_each_possible_cpu(cpu)
		cw_quic_cpu_free(cw_quic_cpus[cpu]);
	kfree(cw_quic_cpus);
	cw_quic_cpus = NULL;
}
