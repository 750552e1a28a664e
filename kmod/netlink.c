// SPDX-License-Identifier: GPL-2.0
/*
 * The control plane: the "consentwall" generic netlink family. Every
 * mutating command needs CAP_NET_ADMIN in the initial user namespace
 * (GENL_ADMIN_PERM) and, except CLAIM, must come from the namespace's
 * owner socket. Every refusal carries an extack message, naming the
 * attribute when one is at fault. Handlers of one namespace serialise on
 * cw_net.lock (the family has parallel_ops: genl_lock is not taken), which
 * the NETLINK_URELEASE notifier also takes when the owner's socket closes.
 */
#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "compat.h"
#include "net.h"
#include "netlink.h"
#include "uapi/consentwall.h"

static unsigned int cw_max_entries = 1000000;
module_param_named(max_entries, cw_max_entries, uint, 0644);
MODULE_PARM_DESC(max_entries,
		 "Most entries (address, app and domain) in one ruleset (default 1000000)");

static unsigned int cw_max_memory_mb = 64;
module_param_named(max_memory_mb, cw_max_memory_mb, uint, 0644);
MODULE_PARM_DESC(max_memory_mb,
		 "Most memory one ruleset and its builder may use, in MiB (default 64)");

static struct genl_family cw_genl_family;

/*
 * Whether the family is registered, for the event works of every
 * namespace: they run until the namespaces' teardown, after the family is
 * gone at unload, and must not build a message for it then.
 */
static DEFINE_MUTEX(cw_genl_live_lock);
static bool cw_genl_live;

/* Every message of ours names the module, as NL_SET_ERR_MSG_MOD does. */
#define CW_ERR_ATTR(extack, attr, msg)					\
	NL_SET_ERR_MSG_ATTR(extack, attr, KBUILD_MODNAME ": " msg)

/* The extack names @attr, with a static message from the ruleset builder. */
static void cw_set_err(struct netlink_ext_ack *extack,
		       const struct nlattr *attr, const char *why)
{
	NL_SET_BAD_ATTR(extack, attr);
	CW_SET_ERR_MSG_STR(extack, why);
}

/* True (and the extack says which) if the request lacks the attribute. */
#define CW_REQUIRE(info, type) ({					\
	struct genl_info *__info = (info);				\
	bool __missing = !__info->attrs[type];				\
									\
	if (__missing) {						\
		NL_SET_ERR_ATTR_MISS(__info->extack, NULL, type);	\
		NL_SET_ERR_MSG_MOD(__info->extack,			\
				   "missing attribute " #type);		\
	}								\
	__missing;							\
})

/*
 * No NLA_POLICY_VALIDATE_FN here: when an extended ack reports a bad
 * attribute, 6.1 dumps its policy and reads the min/max that share storage
 * with the function pointer, which trips a WARN in nla_get_range_unsigned().
 * The policies bound integers and lengths with ranges; set membership is
 * checked by the handlers.
 */
static int cw_addr_len(const struct nlattr *family,
		       struct netlink_ext_ack *extack)
{
	switch (nla_get_u32(family)) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	}
	CW_ERR_ATTR(extack, family, "family must be AF_INET or AF_INET6");
	return -EINVAL;
}

static struct netlink_range_validation cw_port_range = {
	.min = 1,
	.max = 65535,
};

static struct netlink_range_validation cw_port_any_range = {
	.min = 0,
	.max = 65535,
};

/* (a policy's own max is 16 bits wide) */
static struct netlink_range_validation cw_appid_range = {
	.min = 0,
	.max = CW_APPID_RANGE - 1,
};

static const struct nla_policy cw_entry_policy[CW_ENTRY_A_MAX + 1] = {
	[CW_ENTRY_A_FAMILY] = NLA_POLICY_RANGE(NLA_U32, AF_INET, AF_INET6),
	[CW_ENTRY_A_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[CW_ENTRY_A_PREFIXLEN] = NLA_POLICY_MAX(NLA_U32, 128),
	[CW_ENTRY_A_PROTO] = NLA_POLICY_MAX(NLA_U32, IPPROTO_UDP),
	[CW_ENTRY_A_PORT_MIN] = NLA_POLICY_FULL_RANGE(NLA_U32, &cw_port_range),
	[CW_ENTRY_A_PORT_MAX] = NLA_POLICY_FULL_RANGE(NLA_U32, &cw_port_range),
	[CW_ENTRY_A_UID] = { .type = NLA_U32 },
	[CW_ENTRY_A_DOMAIN] = { .type = NLA_NUL_STRING, .len = CW_NAME_MAX },
	[CW_ENTRY_A_APPID] = NLA_POLICY_FULL_RANGE(NLA_U32, &cw_appid_range),
};

static const struct nla_policy cw_pattern_policy[CW_PATTERN_A_MAX + 1] = {
	[CW_PATTERN_A_BYTES] = NLA_POLICY_RANGE(NLA_BINARY, 1,
						CW_PATTERN_LEN_MAX),
	[CW_PATTERN_A_TAG] = { .type = NLA_U32 },
};

/* One policy per command: an attribute another command uses is refused. */
/*
 * For the commands that take no attribute: strict validation refuses
 * every NLA_UNSPEC entry, so stray attributes are an error, not ignored.
 */
static const struct nla_policy cw_no_attrs_policy[CW_A_MAX + 1] = {};

static const struct nla_policy cw_add_policy[CW_A_MAX + 1] = {
	[CW_A_PURPOSE_NAME] = { .type = NLA_NUL_STRING,
				.len = CW_PURPOSE_NAME_MAX - 1 },
	[CW_A_PURPOSE_DESC] = { .type = NLA_NUL_STRING,
				.len = CW_PURPOSE_DESC_MAX - 1 },
	[CW_A_ENTRIES] = NLA_POLICY_NESTED_ARRAY(cw_entry_policy),
	[CW_A_PATTERNS] = NLA_POLICY_NESTED_ARRAY(cw_pattern_policy),
};

static const struct nla_policy cw_consent_policy[CW_A_MAX + 1] = {
	[CW_A_PURPOSE_NAME] = { .type = NLA_NUL_STRING,
				.len = CW_PURPOSE_NAME_MAX - 1 },
	[CW_A_CONSENT] = NLA_POLICY_MAX(NLA_U32, 1),
};

static const struct nla_policy cw_nat64_prefix_policy[CW_NAT64_A_MAX + 1] = {
	[CW_NAT64_A_ADDR] = NLA_POLICY_EXACT_LEN(16),
	[CW_NAT64_A_PREFIXLEN] = NLA_POLICY_MAX(NLA_U32, 128),
};

static const struct nla_policy cw_nat64_policy[CW_A_MAX + 1] = {
	[CW_A_NAT64_PREFIXES] = NLA_POLICY_NESTED_ARRAY(cw_nat64_prefix_policy),
};

static const struct nla_policy cw_explain_policy[CW_A_MAX + 1] = {
	[CW_A_FAMILY] = NLA_POLICY_RANGE(NLA_U32, AF_INET, AF_INET6),
	[CW_A_PROTO] = NLA_POLICY_MAX(NLA_U32, 255),
	[CW_A_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[CW_A_PORT] = NLA_POLICY_FULL_RANGE(NLA_U32, &cw_port_any_range),
	[CW_A_UID] = { .type = NLA_U32 },
	[CW_A_NAME] = { .type = NLA_NUL_STRING, .len = CW_NAME_MAX },
};

/* The request comes from the owner's socket: its port id and the socket. */
static bool cw_is_owner(const struct cw_net *cw, const struct sk_buff *skb,
			const struct genl_info *info)
{
	return cw->owner == info->snd_portid &&
	       cw->owner_sk == NETLINK_CB(skb).sk;
}

static int cw_check_owner(struct cw_net *cw, struct sk_buff *skb,
			  struct genl_info *info)
{
	if (!cw->owner) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "namespace not claimed: send CW_CMD_CLAIM first");
		return -ENOTCONN;
	}
	if (!cw_is_owner(cw, skb, info)) {
		CW_SET_ERR_MSG_OWNED(info->extack, cw->owner);
		return -EBUSY;
	}
	return 0;
}

/* ADD and COMMIT: the owner, inside its transaction. */
static int cw_check_txn(struct cw_net *cw, struct sk_buff *skb,
			struct genl_info *info)
{
	int ret = cw_check_owner(cw, skb, info);

	if (ret)
		return ret;
	if (!cw->txn) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "no open transaction: send CW_CMD_BEGIN first");
		return -EINVAL;
	}
	return 0;
}

static int cw_nl_claim(struct sk_buff *skb, struct genl_info *info)
{
	struct cw_net *cw = cw_net(genl_info_net(info));
	int ret = 0;

	mutex_lock(&cw->lock);
	if (cw->owner && !cw_is_owner(cw, skb, info)) {
		CW_SET_ERR_MSG_OWNED(info->extack, cw->owner);
		ret = -EBUSY;
	} else if (!cw->owner) {
		/* A claimed namespace is filtered from now on, for good. */
		ret = cw_net_police(cw);
		if (ret) {
			NL_SET_ERR_MSG(info->extack,
				       "cannot register the netfilter hooks");
		} else {
			cw->owner_sk = NETLINK_CB(skb).sk;
			sock_hold(cw->owner_sk);
			WRITE_ONCE(cw->owner, info->snd_portid);
		}
	}
	mutex_unlock(&cw->lock);
	return ret;
}

static int cw_nl_begin(struct sk_buff *skb, struct genl_info *info)
{
	struct cw_net *cw = cw_net(genl_info_net(info));
	struct cw_limits limits = {
		.max_entries = READ_ONCE(cw_max_entries),
		.max_memory = (u64)READ_ONCE(cw_max_memory_mb) << 20,
	};
	struct cw_builder *b;
	int ret;

	mutex_lock(&cw->lock);
	ret = cw_check_owner(cw, skb, info);
	if (ret)
		goto out;
	b = cw_builder_new(&limits);
	if (!b) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "out of memory for a new transaction");
		ret = -ENOMEM;
		goto out;
	}
	/* BEGIN inside a transaction starts it over. */
	cw_net_txn_drop(cw);
	cw->txn = b;
out:
	mutex_unlock(&cw->lock);
	return ret;
}

static int cw_add_address(struct cw_builder *b, int purpose,
			  struct nlattr **tb, const struct nlattr *entry,
			  struct netlink_ext_ack *extack)
{
	u32 family, plen, proto = 0, pmin = 0, pmax = 0;
	const char *why = NULL;
	int alen, ret;

	if (!tb[CW_ENTRY_A_FAMILY] || !tb[CW_ENTRY_A_ADDR]) {
		NL_SET_ERR_ATTR_MISS(extack, entry, tb[CW_ENTRY_A_FAMILY] ?
				     CW_ENTRY_A_ADDR : CW_ENTRY_A_FAMILY);
		CW_ERR_ATTR(extack, entry,
			    "entry needs CW_ENTRY_A_FAMILY and CW_ENTRY_A_ADDR, or CW_ENTRY_A_UID, CW_ENTRY_A_APPID or CW_ENTRY_A_DOMAIN");
		return -EINVAL;
	}
	family = nla_get_u32(tb[CW_ENTRY_A_FAMILY]);
	alen = cw_addr_len(tb[CW_ENTRY_A_FAMILY], extack);
	if (alen < 0)
		return alen;
	if (nla_len(tb[CW_ENTRY_A_ADDR]) != alen) {
		CW_ERR_ATTR(extack, tb[CW_ENTRY_A_ADDR],
			    "CW_ENTRY_A_ADDR length does not match CW_ENTRY_A_FAMILY");
		return -EINVAL;
	}
	plen = alen * 8;
	if (tb[CW_ENTRY_A_PREFIXLEN]) {
		plen = nla_get_u32(tb[CW_ENTRY_A_PREFIXLEN]);
		if (plen > alen * 8) {
			CW_ERR_ATTR(extack, tb[CW_ENTRY_A_PREFIXLEN],
				    "prefix length longer than the address");
			return -EINVAL;
		}
	}
	if (tb[CW_ENTRY_A_PROTO]) {
		proto = nla_get_u32(tb[CW_ENTRY_A_PROTO]);
		if (proto && proto != IPPROTO_TCP && proto != IPPROTO_UDP) {
			CW_ERR_ATTR(extack, tb[CW_ENTRY_A_PROTO],
				    "entry protocol must be 0 (any), tcp or udp");
			return -EINVAL;
		}
	}
	if (tb[CW_ENTRY_A_PORT_MIN]) {
		if (!proto) {
			CW_ERR_ATTR(extack, tb[CW_ENTRY_A_PORT_MIN],
				    "ports need CW_ENTRY_A_PROTO tcp or udp");
			return -EINVAL;
		}
		pmin = nla_get_u32(tb[CW_ENTRY_A_PORT_MIN]);
		pmax = pmin;
	}
	if (tb[CW_ENTRY_A_PORT_MAX]) {
		if (!tb[CW_ENTRY_A_PORT_MIN]) {
			CW_ERR_ATTR(extack, tb[CW_ENTRY_A_PORT_MAX],
				    "CW_ENTRY_A_PORT_MAX needs CW_ENTRY_A_PORT_MIN");
			return -EINVAL;
		}
		pmax = nla_get_u32(tb[CW_ENTRY_A_PORT_MAX]);
		if (pmax < pmin) {
			CW_ERR_ATTR(extack, tb[CW_ENTRY_A_PORT_MAX],
				    "CW_ENTRY_A_PORT_MAX below CW_ENTRY_A_PORT_MIN");
			return -EINVAL;
		}
	}
	ret = cw_builder_add_prefix(b, purpose, family,
				    nla_data(tb[CW_ENTRY_A_ADDR]), plen, proto,
				    pmin, pmax, &why);
	if (ret)
		cw_set_err(extack, entry, why ?: "cannot add the address entry");
	return ret;
}

static bool cw_only(struct nlattr **tb, int keep)
{
	int i;

	for (i = 1; i <= CW_ENTRY_A_MAX; i++)
		if (i != keep && tb[i])
			return false;
	return true;
}

static int cw_add_entry(struct cw_builder *b, int purpose,
			const struct nlattr *entry,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[CW_ENTRY_A_MAX + 1];
	const char *why = NULL;
	int ret;

	ret = nla_parse_nested(tb, CW_ENTRY_A_MAX, entry, cw_entry_policy,
			       extack);
	if (ret)
		return ret;

	if (tb[CW_ENTRY_A_UID]) {
		if (!cw_only(tb, CW_ENTRY_A_UID)) {
			CW_ERR_ATTR(extack, entry,
				    "an app entry (CW_ENTRY_A_UID) takes no other attribute");
			return -EINVAL;
		}
		ret = cw_builder_add_uid(b, purpose,
					 nla_get_u32(tb[CW_ENTRY_A_UID]), &why);
	} else if (tb[CW_ENTRY_A_APPID]) {
		if (!cw_only(tb, CW_ENTRY_A_APPID)) {
			CW_ERR_ATTR(extack, entry,
				    "an app entry (CW_ENTRY_A_APPID) takes no other attribute");
			return -EINVAL;
		}
		ret = cw_builder_add_appid(b, purpose,
					   nla_get_u32(tb[CW_ENTRY_A_APPID]),
					   &why);
	} else if (tb[CW_ENTRY_A_DOMAIN]) {
		const char *d = nla_data(tb[CW_ENTRY_A_DOMAIN]);

		if (!cw_only(tb, CW_ENTRY_A_DOMAIN)) {
			CW_ERR_ATTR(extack, entry,
				    "a name entry (CW_ENTRY_A_DOMAIN) takes no other attribute");
			return -EINVAL;
		}
		ret = cw_builder_add_domain(b, purpose, d, strlen(d), &why);
	} else {
		return cw_add_address(b, purpose, tb, entry, extack);
	}
	if (ret)
		cw_set_err(extack, entry, why ?: "cannot add the entry");
	return ret;
}

/*
 * The identifier guard's patterns, copied into the transaction. They are
 * the secret's hashes and encodings: nothing ever sends one back.
 */
static int cw_add_patterns(struct cw_net *cw, u32 purpose,
			   const struct nlattr *patterns,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *tb[CW_PATTERN_A_MAX + 1];
	const struct nlattr *pat;
	int ret, rem;

	if (cw->txn_ids && cw->txn_ids_purpose != purpose) {
		CW_ERR_ATTR(extack, patterns,
			    "another purpose of this ruleset has the patterns: one purpose may");
		return -EINVAL;
	}
	if (!cw->txn_ids) {
		cw->txn_ids = cw_idm_set_new();
		if (!cw->txn_ids) {
			NL_SET_ERR_MSG_MOD(extack, "out of memory for the patterns");
			return -ENOMEM;
		}
		cw->txn_ids_purpose = purpose;
		cw->txn_ids_n = 0;
		cw->txn_ids_bytes = 0;
	}
	nla_for_each_nested(pat, patterns, rem) {
		ret = nla_parse_nested(tb, CW_PATTERN_A_MAX, pat,
				       cw_pattern_policy, extack);
		if (ret)
			return ret;
		if (!tb[CW_PATTERN_A_BYTES] || !tb[CW_PATTERN_A_TAG]) {
			CW_ERR_ATTR(extack, pat,
				    "a pattern needs CW_PATTERN_A_BYTES and CW_PATTERN_A_TAG");
			return -EINVAL;
		}
		ret = cw_idm_set_add(cw->txn_ids, nla_data(tb[CW_PATTERN_A_BYTES]),
				     nla_len(tb[CW_PATTERN_A_BYTES]),
				     nla_get_u32(tb[CW_PATTERN_A_TAG]));
		if (ret) {
			CW_ERR_ATTR(extack, pat,
				    "more than CW_PATTERNS_MAX patterns or CW_PATTERN_BYTES_MAX bytes in the ruleset");
			return ret;
		}
		cw->txn_ids_n++;
		cw->txn_ids_bytes += nla_len(tb[CW_PATTERN_A_BYTES]);
	}
	return 0;
}

static int cw_nl_add(struct sk_buff *skb, struct genl_info *info)
{
	struct cw_net *cw = cw_net(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	const char *name, *desc = NULL, *why = NULL;
	struct nlattr *entry;
	int ret, purpose, rem;

	mutex_lock(&cw->lock);
	ret = cw_check_txn(cw, skb, info);
	if (ret)
		goto out;

	/*
	 * From here on any error drops the whole transaction: a half-added
	 * purpose must never be committed by mistake.
	 */
	ret = -EINVAL;
	if (CW_REQUIRE(info, CW_A_PURPOSE_NAME))
		goto drop;
	name = nla_data(attrs[CW_A_PURPOSE_NAME]);
	if (attrs[CW_A_PURPOSE_DESC])
		desc = nla_data(attrs[CW_A_PURPOSE_DESC]);

	purpose = cw_builder_purpose(cw->txn, name, desc, &why);
	if (purpose < 0) {
		ret = purpose;
		cw_set_err(info->extack, attrs[CW_A_PURPOSE_NAME],
			   why ?: "cannot add the purpose");
		goto drop;
	}

	ret = 0;
	if (attrs[CW_A_ENTRIES]) {
		nla_for_each_nested(entry, attrs[CW_A_ENTRIES], rem) {
			ret = cw_add_entry(cw->txn, purpose, entry,
					   info->extack);
			if (ret)
				goto drop;
		}
	}
	if (attrs[CW_A_PATTERNS]) {
		ret = cw_add_patterns(cw, purpose, attrs[CW_A_PATTERNS],
				      info->extack);
		if (ret)
			goto drop;
	}
	goto out;

drop:
	cw_net_txn_drop(cw);
out:
	mutex_unlock(&cw->lock);
	return ret;
}

static u32 cw_next_generation(u32 gen)
{
	/* 0 means "never committed": skip it when the counter wraps. */
	return gen + 1 ?: 1;
}

static int cw_nl_commit(struct sk_buff *skb, struct genl_info *info)
{
	struct cw_net *cw = cw_net(genl_info_net(info));
	struct cw_table *new, *old;
	struct cw_idm *idm = NULL;
	struct cw_ruleset *rs;
	struct sk_buff *msg;
	u32 i, n, gen;
	void *hdr;
	int ret;

	mutex_lock(&cw->lock);
	ret = cw_check_txn(cw, skb, info);
	if (ret)
		goto out;

	/* The reply is allocated first so that nothing fails after the swap. */
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}

	rs = cw_builder_finish(cw->txn);	/* frees the builder */
	cw->txn = NULL;
	if (!rs) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "out of memory committing the ruleset (transaction dropped)");
		ret = -ENOMEM;
		goto drop;
	}
	/*
	 * The identifier matcher, built aside like the ruleset, counts
	 * against the ruleset's bound at the most its patterns can take
	 * (cw_idm_size() of their number and length), known before it is
	 * built: a commit past the bound never builds it.
	 */
	if (cw->txn_ids) {
		if (cw_ruleset_memory(rs) +
		    cw_idm_size(cw->txn_ids_n, cw->txn_ids_bytes) >
		    (u64)READ_ONCE(cw_max_memory_mb) << 20) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "the ruleset and its identifier matcher exceed max_memory_mb (transaction dropped)");
			ret = -E2BIG;
			goto drop;
		}
		ret = cw_idm_set_build(cw->txn_ids, &idm);
		if (ret) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "out of memory building the identifier matcher (transaction dropped)");
			goto drop;
		}
	}
	gen = cw_next_generation(cw->generation);
	new = cw_table_new(rs, gen);
	if (!new) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "out of memory committing the ruleset (transaction dropped)");
		ret = -ENOMEM;
		goto drop;
	}
	new->idm = idm;
	new->idm_purpose = cw->txn_ids_purpose;
	cw_net_txn_drop(cw);

	/* Consent follows a purpose by name from one ruleset to the next. */
	old = cw_net_table(cw);
	if (old) {
		n = cw_ruleset_nr_purposes(rs);
		for (i = 0; i < n; i++) {
			int j = cw_ruleset_find(old->rs,
						cw_ruleset_purpose(rs, i)->name);

			if (j >= 0 && (old->consent & BIT_ULL(j)))
				new->consent |= BIT_ULL(i);
		}
	}
	cw->generation = gen;
	cw->commits++;
	cw_net_swap_table(cw, new);
	if (!new->idm || (new->consent & BIT_ULL(new->idm_purpose)))
		cw_mem_end_scans(cw->mem);

	/*
	 * Committed: whatever becomes of the reply (a full receive buffer),
	 * the answer is success, or the daemon would take a ruleset in force
	 * for a failed one. A lost reply leaves GET_STATUS's generation.
	 */
	hdr = genlmsg_put_reply(msg, info, &cw_genl_family, 0, CW_CMD_COMMIT);
	if (!hdr || nla_put_u32(msg, CW_A_GENERATION, gen)) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	genlmsg_reply(msg, info);
	goto out;

drop:
	cw_idm_free(idm);
	cw_ruleset_free(rs);
	cw_net_txn_drop(cw);
	nlmsg_free(msg);
out:
	mutex_unlock(&cw->lock);
	return ret;
}

static int cw_nl_abort(struct sk_buff *skb, struct genl_info *info)
{
	struct cw_net *cw = cw_net(genl_info_net(info));
	int ret;

	mutex_lock(&cw->lock);
	ret = cw_check_owner(cw, skb, info);
	if (!ret)
		cw_net_txn_drop(cw);	/* no transaction: nothing to do */
	mutex_unlock(&cw->lock);
	return ret;
}

static int cw_nl_set_consent(struct sk_buff *skb, struct genl_info *info)
{
	struct cw_net *cw = cw_net(genl_info_net(info));
	struct nlattr **attrs = info->attrs;
	struct cw_table *t;
	u64 consent;
	int ret, idx;

	mutex_lock(&cw->lock);
	ret = cw_check_owner(cw, skb, info);
	if (ret)
		goto out;
	ret = -EINVAL;
	if (CW_REQUIRE(info, CW_A_PURPOSE_NAME) ||
	    CW_REQUIRE(info, CW_A_CONSENT))
		goto out;
	t = cw_net_table(cw);
	if (!t) {
		CW_ERR_ATTR(info->extack, attrs[CW_A_PURPOSE_NAME],
			    "no ruleset committed yet");
		ret = -ENOENT;
		goto out;
	}
	idx = cw_ruleset_find(t->rs, nla_data(attrs[CW_A_PURPOSE_NAME]));
	if (idx < 0) {
		CW_ERR_ATTR(info->extack, attrs[CW_A_PURPOSE_NAME],
			    "no such purpose in the active ruleset");
		ret = -ENOENT;
		goto out;
	}
	consent = t->consent;
	if (nla_get_u32(attrs[CW_A_CONSENT]))
		consent |= BIT_ULL(idx);
	else
		consent &= ~BIT_ULL(idx);
	/* One store: packets see the old or the new decision, never torn. */
	WRITE_ONCE(t->consent, consent);
	if (t->idm && idx == t->idm_purpose && (consent & BIT_ULL(idx)))
		cw_mem_end_scans(cw->mem);
	ret = 0;
out:
	mutex_unlock(&cw->lock);
	return ret;
}

/* One prefix of a SET_NAT64 into n->set; 0 or an error with extack. */
static int cw_nat64_parse_one(struct cw_nat64 *n, const struct nlattr *nest,
			      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[CW_NAT64_A_MAX + 1];
	struct cw_nat64_prefix pfx;
	u32 i;
	int ret;

	ret = nla_parse_nested(tb, CW_NAT64_A_MAX, nest, cw_nat64_prefix_policy,
			       extack);
	if (ret)
		return ret;
	if (!tb[CW_NAT64_A_ADDR] || !tb[CW_NAT64_A_PREFIXLEN]) {
		NL_SET_ERR_ATTR_MISS(extack, nest, tb[CW_NAT64_A_ADDR] ?
				     CW_NAT64_A_PREFIXLEN : CW_NAT64_A_ADDR);
		CW_ERR_ATTR(extack, nest,
			    "a NAT64 prefix needs CW_NAT64_A_ADDR and CW_NAT64_A_PREFIXLEN");
		return -EINVAL;
	}
	if (cw_nat64_prefix_init(&pfx, nla_data(tb[CW_NAT64_A_ADDR]),
				 nla_get_u32(tb[CW_NAT64_A_PREFIXLEN]))) {
		CW_ERR_ATTR(extack, nest,
			    "not an RFC 6052 prefix: length 32, 40, 48, 56, 64 or 96, no bit set past it");
		return -EINVAL;
	}
	for (i = 0; i < n->set.n; i++)
		if (n->set.p[i].len == pfx.len &&
		    !memcmp(n->set.p[i].addr, pfx.addr, 16))
			return 0;	/* listed twice, or the well-known one */
	if (n->set.n == ARRAY_SIZE(n->set.p)) {
		CW_ERR_ATTR(extack, nest, "more than CW_NAT64_MAX NAT64 prefixes");
		return -E2BIG;
	}
	n->set.p[n->set.n++] = pfx;
	return 0;
}

/*
 * The network's NAT64 prefixes, replacing the last set whole. Outside the
 * ruleset transaction: the set changes with router advertisements.
 */
static int cw_nl_set_nat64(struct sk_buff *skb, struct genl_info *info)
{
	struct cw_net *cw = cw_net(genl_info_net(info));
	struct cw_nat64 *n;
	struct nlattr *a;
	int rem, ret;

	if (CW_REQUIRE(info, CW_A_NAT64_PREFIXES))
		return -EINVAL;
	n = cw_nat64_new();
	if (!n)
		return -ENOMEM;
	nla_for_each_nested(a, info->attrs[CW_A_NAT64_PREFIXES], rem) {
		ret = cw_nat64_parse_one(n, a, info->extack);
		if (ret)
			goto out_free;
	}
	mutex_lock(&cw->lock);
	ret = cw_check_owner(cw, skb, info);
	if (!ret)
		cw_net_swap_nat64(cw, n);
	mutex_unlock(&cw->lock);
	if (!ret)
		return 0;
out_free:
	kfree(n);
	return ret;
}

static int cw_put_nat64_prefix(struct sk_buff *msg,
			       const struct cw_nat64_prefix *p)
{
	struct nlattr *nest = nla_nest_start(msg, CW_A_NAT64_PREFIX);

	if (!nest || nla_put(msg, CW_NAT64_A_ADDR, 16, p->addr) ||
	    nla_put_u32(msg, CW_NAT64_A_PREFIXLEN, p->len))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* The prefixes of the last SET_NAT64 (the well-known one is implied). */
static int cw_put_nat64(struct sk_buff *msg, struct cw_net *cw)
{
	const struct cw_nat64 *n = rcu_dereference_protected(cw->nat64,
						lockdep_is_held(&cw->lock));
	struct nlattr *nest = nla_nest_start(msg, CW_A_NAT64_PREFIXES);
	u32 i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i < n->set.n; i++)
		if (cw_put_nat64_prefix(msg, &n->set.p[i]))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* The namespace counters a reply carries, each from its per-CPU sum. */
static const struct {
	u16 attr;
	u16 off;		/* in struct cw_net_pcpu */
} cw_counters[] = {
#define CW_COUNTER(a, f) { CW_COUNTER_A_##a, offsetof(struct cw_net_pcpu, f) }
	CW_COUNTER(EVENTS_SENT, events_sent),
	CW_COUNTER(EVENTS_DROPPED, events_dropped),
	CW_COUNTER(UNCONFIGURED_BLOCKED, unconfigured_blocked),
	CW_COUNTER(NAMES_FAILED, names_failed),
	CW_COUNTER(DNS_ANSWERED, dns_answered),
	CW_COUNTER(FLOWS_REMEMBERED, flows_remembered),
	CW_COUNTER(FLOWS_REVOKED, flows_revoked),
	CW_COUNTER(FLOWS_REFUSED, flows_refused),
	CW_COUNTER(IDENTS_SCANNED, idents_scanned),
	CW_COUNTER(IDENTS_SKIPPED, idents_skipped),
	CW_COUNTER(IDENTS_BLOCKED, idents_blocked),
#undef CW_COUNTER
};

static int cw_put_counters(struct sk_buff *msg, struct cw_net *cw)
{
	struct cw_net_pcpu sum;
	struct nlattr *nest;
	unsigned int i;

	cw_net_sum(cw, &sum);
	nest = nla_nest_start(msg, CW_A_COUNTERS);
	if (!nest ||
	    nla_put_u64_64bit(msg, CW_COUNTER_A_OWNER_RELEASES,
			      cw->owner_releases, CW_COUNTER_A_PAD) ||
	    nla_put_u64_64bit(msg, CW_COUNTER_A_COMMITS, cw->commits,
			      CW_COUNTER_A_PAD))
		return -EMSGSIZE;
	for (i = 0; i < ARRAY_SIZE(cw_counters); i++)
		if (nla_put_u64_64bit(msg, cw_counters[i].attr,
				      *(u64 *)((u8 *)&sum + cw_counters[i].off),
				      CW_COUNTER_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static size_t cw_purpose_size(void)
{
	return nla_total_size(0) +				/* nest */
	       nla_total_size(CW_PURPOSE_NAME_MAX) +
	       nla_total_size(CW_PURPOSE_DESC_MAX) +
	       2 * nla_total_size(sizeof(u32)) +
	       4 * nla_total_size_64bit(sizeof(u64));
}

static int cw_nl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct cw_net *cw = cw_net(genl_info_net(info));
	struct nlattr *purposes, *p;
	struct cw_table *t;
	struct sk_buff *msg;
	u32 i, n;
	void *hdr;
	int ret = -EMSGSIZE;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE +
			  CW_PURPOSES_MAX * cw_purpose_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	mutex_lock(&cw->lock);
	t = cw_net_table(cw);
	hdr = genlmsg_put_reply(msg, info, &cw_genl_family, 0,
				CW_CMD_GET_STATUS);
	if (!hdr ||
	    nla_put_u32(msg, CW_A_POLICED, READ_ONCE(cw->policed)) ||
	    nla_put_u32(msg, CW_A_CONFIGURED, !!t) ||
	    nla_put_u32(msg, CW_A_OWNER, cw->owner) ||
	    nla_put_u32(msg, CW_A_GENERATION, t ? t->generation : 0) ||
	    nla_put_u32(msg, CW_A_NR_ENTRIES,
			t ? cw_ruleset_nr_entries(t->rs) : 0) ||
	    nla_put_u64_64bit(msg, CW_A_MEMORY,
			      t ? cw_ruleset_memory(t->rs) +
			      (t->idm ? cw_idm_bytes(t->idm) : 0) : 0,
			      CW_A_PAD) ||
	    cw_put_counters(msg, cw) || cw_put_nat64(msg, cw))
		goto err;

	purposes = nla_nest_start(msg, CW_A_PURPOSES);
	if (!purposes)
		goto err;
	n = t ? cw_ruleset_nr_purposes(t->rs) : 0;
	for (i = 0; i < n; i++) {
		const struct cw_purpose *pp = cw_ruleset_purpose(t->rs, i);

		p = nla_nest_start(msg, CW_A_PURPOSE);
		if (!p ||
		    nla_put_string(msg, CW_PURPOSE_A_NAME, pp->name) ||
		    nla_put_string(msg, CW_PURPOSE_A_DESC, pp->desc) ||
		    nla_put_u32(msg, CW_PURPOSE_A_CONSENT,
				!!(t->consent & BIT_ULL(i))) ||
		    nla_put_u32(msg, CW_PURPOSE_A_NR_ENTRIES, pp->nr_entries))
			goto err;
		nla_nest_end(msg, p);
	}
	nla_nest_end(msg, purposes);
	mutex_unlock(&cw->lock);

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err:
	mutex_unlock(&cw->lock);
	nlmsg_free(msg);
	return ret;
}

static int cw_put_purpose_stats(struct sk_buff *msg, struct cw_table *t,
				u32 i)
{
	const struct cw_purpose *pp = cw_ruleset_purpose(t->rs, i);
	struct cw_purpose_stats s;
	struct nlattr *p;

	cw_table_sum(t, i, &s);
	p = nla_nest_start(msg, CW_A_PURPOSE);
	if (!p ||
	    nla_put_string(msg, CW_PURPOSE_A_NAME, pp->name) ||
	    nla_put_u32(msg, CW_PURPOSE_A_CONSENT,
			!!(READ_ONCE(t->consent) & BIT_ULL(i))) ||
	    nla_put_u32(msg, CW_PURPOSE_A_NR_ENTRIES, pp->nr_entries) ||
	    nla_put_u64_64bit(msg, CW_PURPOSE_A_BLOCKED_PACKETS,
			      s.blocked_packets, CW_PURPOSE_A_PAD) ||
	    nla_put_u64_64bit(msg, CW_PURPOSE_A_BLOCKED_BYTES,
			      s.blocked_bytes, CW_PURPOSE_A_PAD) ||
	    nla_put_u64_64bit(msg, CW_PURPOSE_A_ALLOWED_PACKETS,
			      s.allowed_packets, CW_PURPOSE_A_PAD) ||
	    nla_put_u64_64bit(msg, CW_PURPOSE_A_ALLOWED_BYTES,
			      s.allowed_bytes, CW_PURPOSE_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, p);
	return 0;
}

/* One message per purpose of the active ruleset; cb->args[0] = next. */
static int cw_nl_get_stats(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cw_net *cw = cw_net(sock_net(skb->sk));
	unsigned long idx = cb->args[0];
	struct cw_table *t;
	void *hdr;

	rcu_read_lock();
	t = rcu_dereference(cw->table);
	if (!t)
		goto out;
	/* A commit during the dump flags it NLM_F_DUMP_INTR. */
	cb->seq = t->generation;
	for (; idx < cw_ruleset_nr_purposes(t->rs); idx++) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &cw_genl_family,
				  NLM_F_MULTI, CW_CMD_GET_STATS);
		if (!hdr)
			break;
		nl_dump_check_consistent(cb, genlmsg_nlhdr(hdr));
		if (nla_put_u32(skb, CW_A_GENERATION, t->generation) ||
		    cw_put_purpose_stats(skb, t, idx)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
out:
	rcu_read_unlock();
	cb->args[0] = idx;
	return skb->len;
}

/*
 * The flow an EXPLAIN request describes; its name, if any, goes to @name
 * as the name parsers would leave it: lower case, no trailing dot.
 */
static int cw_explain_flow(struct genl_info *info, struct cw_flow *f,
			   char name[CW_NAME_MAX + 1])
{
	struct nlattr **attrs = info->attrs;
	int alen;

	if (CW_REQUIRE(info, CW_A_FAMILY) || CW_REQUIRE(info, CW_A_PROTO) ||
	    CW_REQUIRE(info, CW_A_ADDR))
		return -EINVAL;
	alen = cw_addr_len(attrs[CW_A_FAMILY], info->extack);
	if (alen < 0)
		return alen;
	f->family = nla_get_u32(attrs[CW_A_FAMILY]);
	if (nla_len(attrs[CW_A_ADDR]) != alen) {
		CW_ERR_ATTR(info->extack, attrs[CW_A_ADDR],
			    "CW_A_ADDR length does not match CW_A_FAMILY");
		return -EINVAL;
	}
	f->daddr = nla_data(attrs[CW_A_ADDR]);
	f->proto = nla_get_u32(attrs[CW_A_PROTO]);
	if (attrs[CW_A_PORT])
		f->dport = nla_get_u32(attrs[CW_A_PORT]);
	if (attrs[CW_A_UID]) {
		f->uid = nla_get_u32(attrs[CW_A_UID]);
		f->has_uid = true;
	}
	if (attrs[CW_A_NAME]) {
		const char *s = nla_data(attrs[CW_A_NAME]);
		size_t len = strnlen(s, CW_NAME_MAX), i;

		if (len && s[len - 1] == '.')
			len--;
		for (i = 0; i < len; i++)
			name[i] = tolower(s[i]);
		name[len] = '\0';
		f->name = name;
		f->name_len = len;
	}
	return 0;
}

/* The verdict and each matched purpose with its consent. */
static int cw_put_explain(struct sk_buff *msg, const struct cw_table *t,
			  u32 verdict, u64 m, u64 consent)
{
	struct nlattr *purposes, *p;

	if (nla_put_u32(msg, CW_A_VERDICT, verdict) ||
	    nla_put_u32(msg, CW_A_GENERATION, t ? t->generation : 0))
		return -EMSGSIZE;
	purposes = nla_nest_start(msg, CW_A_PURPOSES);
	if (!purposes)
		return -EMSGSIZE;
	while (m) {
		unsigned int i = __ffs64(m);

		m &= m - 1;
		p = nla_nest_start(msg, CW_A_PURPOSE);
		if (!p ||
		    nla_put_string(msg, CW_PURPOSE_A_NAME,
				   cw_ruleset_purpose(t->rs, i)->name) ||
		    nla_put_u32(msg, CW_PURPOSE_A_CONSENT,
				!!(consent & BIT_ULL(i))))
			return -EMSGSIZE;
		nla_nest_end(msg, p);
	}
	nla_nest_end(msg, purposes);
	return 0;
}

/* An IPv6 address that matched as the IPv4 address it embeds. */
static int cw_put_explain_nat64(struct sk_buff *msg, const u8 *a4,
				const struct cw_nat64_prefix *via)
{
	if (nla_put(msg, CW_A_NAT64_ADDR, 4, a4) ||
	    cw_put_nat64_prefix(msg, via))
		return -EMSGSIZE;
	return 0;
}

static int cw_nl_explain(struct sk_buff *skb, struct genl_info *info)
{
	struct cw_net *cw = cw_net(genl_info_net(info));
	char name[CW_NAME_MAX + 1], learned[CW_NAME_MAX + 1] = "";
	struct cw_flow f = {};
	struct cw_table *t;
	struct sk_buff *msg;
	struct cw_nat64_prefix via = {};
	u64 m = 0, consent = 0;
	int ret, hit = -1;
	u32 verdict;
	u8 a4[4];
	void *hdr;

	ret = cw_explain_flow(info, &f, name);
	if (ret)
		return ret;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE +
			  CW_PURPOSES_MAX * cw_purpose_size(), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	rcu_read_lock();
	t = rcu_dereference(cw->table);
	if (!READ_ONCE(cw->policed)) {
		verdict = CW_VERDICT_ACCEPT;
		t = NULL;
	} else if (!t) {
		verdict = cw_net_unconfigured_blocks() ? CW_VERDICT_BLOCK :
							 CW_VERDICT_ACCEPT;
	} else {
		consent = READ_ONCE(t->consent);
		f.nat64 = &rcu_dereference(cw->nat64)->set;
		m = cw_ruleset_match(t->rs, &f);
		/* An address a DNS answer bound, for a flow without a name. */
		if (!f.name && cw->learned)
			m |= cw_learned_match(cw->learned, t->generation, &f,
					      learned);
		verdict = (m & t->all_mask & ~consent) ? CW_VERDICT_BLOCK :
							 CW_VERDICT_ACCEPT;
		/* Which IPv4 address matched, under which prefix. */
		if (cw_ruleset_match_nat64(t->rs, &f, &hit, a4))
			via = f.nat64->p[hit];
	}
	hdr = genlmsg_put_reply(msg, info, &cw_genl_family, 0,
				CW_CMD_EXPLAIN);
	ret = hdr ? cw_put_explain(msg, t, verdict, m, consent) : -EMSGSIZE;
	if (!ret && hit >= 0)
		ret = cw_put_explain_nat64(msg, a4, &via);
	if (!ret && learned[0] &&
	    !cw_name_shows_ident(t, learned, strlen(learned)) &&
	    nla_put_string(msg, CW_A_LEARNED_NAME, learned))
		ret = -EMSGSIZE;
	rcu_read_unlock();
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int cw_event_send(struct cw_net *cw, const struct cw_event *e,
			 u32 portid)
{
	struct nlattr *purposes, *p;
	struct cw_table *t;
	struct sk_buff *msg;
	u64 m = e->denied;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put(msg, 0, 0, &cw_genl_family, 0, CW_CMD_EVENT);
	if (!hdr ||
	    nla_put_u32(msg, CW_A_GENERATION, e->generation) ||
	    nla_put_u32(msg, CW_A_FAMILY, e->family) ||
	    nla_put_u32(msg, CW_A_PROTO, e->proto) ||
	    nla_put(msg, CW_A_ADDR, e->family == AF_INET ? 4 : 16, e->daddr) ||
	    nla_put_u32(msg, CW_A_PORT, e->dport) ||
	    nla_put_u32(msg, CW_A_COUNT, e->count) ||
	    (e->has_uid && nla_put_u32(msg, CW_A_UID, e->uid)) ||
	    (e->has_tag && nla_put_u32(msg, CW_A_IDENT_TAG, e->tag)) ||
	    (e->name_len && nla_put_string(msg, CW_A_NAME, e->name)))
		goto err;

	purposes = nla_nest_start(msg, CW_A_PURPOSES);
	if (!purposes)
		goto err;
	/*
	 * Names come from the ruleset the packet met; if another one was
	 * committed since, the event keeps only its generation.
	 */
	rcu_read_lock();
	t = rcu_dereference(cw->table);
	if (t && t->generation == e->generation) {
		while (m) {
			unsigned int i = __ffs64(m);

			m &= m - 1;
			p = nla_nest_start(msg, CW_A_PURPOSE);
			if (!p ||
			    nla_put_string(msg, CW_PURPOSE_A_NAME,
					   cw_ruleset_purpose(t->rs, i)->name)) {
				rcu_read_unlock();
				goto err;
			}
			nla_nest_end(msg, p);
		}
	}
	rcu_read_unlock();
	nla_nest_end(msg, purposes);
	genlmsg_end(msg, hdr);
	return genlmsg_unicast(cw->net, msg, portid);

err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int cw_netlink_send_event(struct cw_net *cw, const struct cw_event *e,
			  u32 portid)
{
	int ret = -ENOTCONN;

	mutex_lock(&cw_genl_live_lock);
	if (cw_genl_live)
		ret = cw_event_send(cw, e, portid);
	mutex_unlock(&cw_genl_live_lock);
	return ret;
}

static const struct genl_ops cw_genl_ops[] = {
	{
		.cmd = CW_CMD_CLAIM,
		.doit = cw_nl_claim,
		.policy = cw_no_attrs_policy,
		.maxattr = CW_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CW_CMD_BEGIN,
		.doit = cw_nl_begin,
		.policy = cw_no_attrs_policy,
		.maxattr = CW_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CW_CMD_ADD,
		.doit = cw_nl_add,
		.policy = cw_add_policy,
		.maxattr = CW_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CW_CMD_COMMIT,
		.doit = cw_nl_commit,
		.policy = cw_no_attrs_policy,
		.maxattr = CW_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CW_CMD_ABORT,
		.doit = cw_nl_abort,
		.policy = cw_no_attrs_policy,
		.maxattr = CW_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CW_CMD_SET_CONSENT,
		.doit = cw_nl_set_consent,
		.policy = cw_consent_policy,
		.maxattr = CW_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = CW_CMD_GET_STATUS,
		.doit = cw_nl_get_status,
		.policy = cw_no_attrs_policy,
		.maxattr = CW_A_MAX,
	},
	{
		.cmd = CW_CMD_GET_STATS,
		.dumpit = cw_nl_get_stats,
		.policy = cw_no_attrs_policy,
		.maxattr = CW_A_MAX,
	},
	{
		.cmd = CW_CMD_EXPLAIN,
		.doit = cw_nl_explain,
		.policy = cw_explain_policy,
		.maxattr = CW_A_MAX,
	},
	{
		.cmd = CW_CMD_SET_NAT64,
		.doit = cw_nl_set_nat64,
		.policy = cw_nat64_policy,
		.maxattr = CW_A_MAX,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family cw_genl_family __ro_after_init = {
	.name = CW_GENL_NAME,
	.version = CW_GENL_VERSION,
	.netnsok = true,
	/*
	 * Handlers serialise per namespace on cw_net.lock: genl_lock, which
	 * every non-parallel family of the system shares, is not needed, and
	 * a seconds-long COMMIT must not hold it.
	 */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = cw_genl_ops,
	.n_ops = ARRAY_SIZE(cw_genl_ops),
};

int __init cw_genl_init(void)
{
	int ret = genl_register_family(&cw_genl_family);

	mutex_lock(&cw_genl_live_lock);
	cw_genl_live = !ret;
	mutex_unlock(&cw_genl_live_lock);
	return ret;
}

void cw_genl_uninit(void)
{
	mutex_lock(&cw_genl_live_lock);
	cw_genl_live = false;
	mutex_unlock(&cw_genl_live_lock);
	genl_unregister_family(&cw_genl_family);
}

/*
 * A netlink socket closed. If it was a namespace's owner, that namespace
 * falls back to "everything denied" at once (fail closed).
 */
static int cw_netlink_notify(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct netlink_notify *n = ptr;
	struct cw_net *cw;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;

	/*
	 * Every generic netlink socket of the namespace that closes comes
	 * here (wpa_supplicant, iw...): only the owner's waits for the lock,
	 * which a long COMMIT may hold for seconds. Unlocked, the owner can
	 * only become n->portid through a request of that very socket, which
	 * is being released and sends nothing any more.
	 */
	cw = cw_net(n->net);
	if (READ_ONCE(cw->owner) != n->portid)
		return NOTIFY_DONE;
	mutex_lock(&cw->lock);
	if (cw->owner == n->portid)
		cw_net_drop_owner(cw);
	mutex_unlock(&cw->lock);
	return NOTIFY_DONE;
}

static struct notifier_block cw_netlink_nb = {
	.notifier_call = cw_netlink_notify,
};

int __init cw_notifier_init(void)
{
	return netlink_register_notifier(&cw_netlink_nb);
}

void cw_notifier_uninit(void)
{
	netlink_unregister_notifier(&cw_netlink_nb);
}

MODULE_ALIAS_GENL_FAMILY(CW_GENL_NAME);
