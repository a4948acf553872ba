/* SPDX-License-Identifier: Apache-2.0 */
/*
 * P-256 point arithmetic in Jacobian coordinates (p256_priv.h), curve
 * y^2 = x^3 - 3x + b. The formulas are the classic ones for a = -3 (Cohen,
 * Miyaji, Ono 1998; doubling with 3(X - Z^2)(X + Z^2)); their operation
 * counts are in docs/p256.md. Every special case is a branch on public data:
 * an addition that turns out to be a doubling doubles, one of a point and
 * its negative gives infinity, infinity plus P gives P.
 */
#include <stdint.h>

#include "p256_priv.h"

int p256_on_curve(const struct p256_aff *a)
{
    p256_fe lhs, rhs, t;

    p256_fe_sqr(lhs, a->y);
    p256_fe_sqr(t, a->x);
    p256_fe_mul(rhs, t, a->x); /* x^3 */
    p256_fe_add(t, a->x, a->x);
    p256_fe_add(t, t, a->x); /* 3x */
    p256_fe_sub(rhs, rhs, t);
    p256_fe_add(rhs, rhs, p256_b);
    return p256_fe_eq(lhs, rhs);
}

/*
 * delta = Z^2, gamma = Y^2, beta = X gamma, alpha = 3 (X - delta)(X + delta)
 * X' = alpha^2 - 8 beta, Z' = (Y + Z)^2 - gamma - delta,
 * Y' = alpha (4 beta - X') - 8 gamma^2.  3M + 5S.
 * Z = 0 gives Z' = Y^2 - Y^2 - 0 = 0: infinity stays infinity. (P-256 has
 * prime order, so no finite point has Y = 0.)
 */
void p256_dbl(struct p256_jac *r, const struct p256_jac *a)
{
    p256_fe delta, gamma, beta, alpha, t, u;

    p256_fe_sqr(delta, a->z);
    p256_fe_sqr(gamma, a->y);
    p256_fe_mul(beta, a->x, gamma);
    p256_fe_sub(t, a->x, delta);
    p256_fe_add(u, a->x, delta);
    p256_fe_mul(alpha, t, u);
    p256_fe_add(t, alpha, alpha);
    p256_fe_add(alpha, t, alpha);
    /* Z' first: it reads Y and Z, which r may overwrite. */
    p256_fe_add(t, a->y, a->z);
    p256_fe_sqr(t, t);
    p256_fe_sub(t, t, gamma);
    p256_fe_sub(r->z, t, delta);
    /* X' = alpha^2 - 8 beta */
    p256_fe_add(beta, beta, beta);
    p256_fe_add(beta, beta, beta); /* 4 beta */
    p256_fe_sqr(t, alpha);
    p256_fe_add(u, beta, beta);
    p256_fe_sub(r->x, t, u);
    /* Y' = alpha (4 beta - X') - 8 gamma^2 */
    p256_fe_sub(t, beta, r->x);
    p256_fe_mul(t, alpha, t);
    p256_fe_sqr(u, gamma);
    p256_fe_add(u, u, u);
    p256_fe_add(u, u, u);
    p256_fe_add(u, u, u);
    p256_fe_sub(r->y, t, u);
}

static void set_aff(struct p256_jac *r, const struct p256_aff *b, int neg)
{
    p256_fe_copy(r->x, b->x);
    if (neg) {
        p256_fe_neg(r->y, b->y);
    } else {
        p256_fe_copy(r->y, b->y);
    }
    p256_fe_set_word(r->z, 1);
}

static void set_inf(struct p256_jac *r)
{
    p256_fe_set_word(r->x, 1);
    p256_fe_set_word(r->y, 1);
    p256_fe_set_word(r->z, 0);
}

/*
 * Z1Z1 = Z1^2, U2 = X2 Z1Z1, S2 = Y2 Z1 Z1Z1, H = U2 - X1, R = S2 - Y1;
 * X3 = R^2 - H^3 - 2 X1 H^2, Y3 = R (X1 H^2 - X3) - Y1 H^3, Z3 = Z1 H.
 * 8M + 3S. H = 0 means the same x: the same point (R = 0: double) or its
 * negative (infinity).
 */
void p256_add_aff(struct p256_jac *r, const struct p256_jac *a, const struct p256_aff *b, int neg)
{
    p256_fe z1z1, u2, s2, h, rr, hh, hhh, v, y2;

    if (p256_fe_is_zero(a->z)) {
        set_aff(r, b, neg);
        return;
    }
    if (neg) {
        p256_fe_neg(y2, b->y);
    } else {
        p256_fe_copy(y2, b->y);
    }
    p256_fe_sqr(z1z1, a->z);
    p256_fe_mul(u2, b->x, z1z1);
    p256_fe_mul(s2, a->z, z1z1);
    p256_fe_mul(s2, s2, y2);
    p256_fe_sub(h, u2, a->x);
    p256_fe_sub(rr, s2, a->y);
    if (p256_fe_is_zero(h)) {
        if (p256_fe_is_zero(rr)) {
            p256_dbl(r, a);
        } else {
            set_inf(r);
        }
        return;
    }
    p256_fe_sqr(hh, h);
    p256_fe_mul(hhh, hh, h);
    p256_fe_mul(v, a->x, hh);
    p256_fe_mul(r->z, a->z, h);
    /* X3 = R^2 - HHH - 2V */
    p256_fe_sqr(u2, rr);
    p256_fe_sub(u2, u2, hhh);
    p256_fe_sub(u2, u2, v);
    p256_fe_sub(u2, u2, v);
    /* Y3 = R (V - X3) - Y1 HHH */
    p256_fe_sub(v, v, u2);
    p256_fe_mul(v, v, rr);
    p256_fe_mul(hhh, hhh, a->y);
    p256_fe_sub(r->y, v, hhh);
    p256_fe_copy(r->x, u2);
}

/*
 * U1 = X1 Z2^2, U2 = X2 Z1^2, S1 = Y1 Z2^3, S2 = Y2 Z1^3, H = U2 - U1,
 * R = S2 - S1; X3 = R^2 - H^3 - 2 U1 H^2, Y3 = R (U1 H^2 - X3) - S1 H^3,
 * Z3 = Z1 Z2 H. 12M + 4S.
 */
void p256_add_jac(struct p256_jac *r, const struct p256_jac *a, const struct p256_jac *b)
{
    p256_fe z1z1, z2z2, u1, u2, s1, s2, h, rr, hh, hhh, t;

    if (p256_fe_is_zero(a->z)) {
        if (r != b) {
            *r = *b;
        }
        return;
    }
    if (p256_fe_is_zero(b->z)) {
        if (r != a) {
            *r = *a;
        }
        return;
    }
    p256_fe_sqr(z1z1, a->z);
    p256_fe_sqr(z2z2, b->z);
    p256_fe_mul(u1, a->x, z2z2);
    p256_fe_mul(u2, b->x, z1z1);
    p256_fe_mul(s1, a->y, b->z);
    p256_fe_mul(s1, s1, z2z2);
    p256_fe_mul(s2, b->y, a->z);
    p256_fe_mul(s2, s2, z1z1);
    p256_fe_sub(h, u2, u1);
    p256_fe_sub(rr, s2, s1);
    if (p256_fe_is_zero(h)) {
        if (p256_fe_is_zero(rr)) {
            p256_dbl(r, a);
        } else {
            set_inf(r);
        }
        return;
    }
    p256_fe_sqr(hh, h);
    p256_fe_mul(hhh, hh, h);
    p256_fe_mul(u1, u1, hh); /* U1 H^2 */
    p256_fe_mul(t, a->z, b->z);
    p256_fe_mul(r->z, t, h);
    p256_fe_sqr(t, rr);
    p256_fe_sub(t, t, hhh);
    p256_fe_sub(t, t, u1);
    p256_fe_sub(t, t, u1);
    p256_fe_copy(r->x, t);
    p256_fe_sub(u1, u1, t);
    p256_fe_mul(u1, u1, rr);
    p256_fe_mul(hhh, hhh, s1);
    p256_fe_sub(r->y, u1, hhh);
}

/* Montgomery's trick: one inversion of the product of all Z, then each 1/Z
 * from the running products (backwards, into scratch), then the affine
 * coordinates in place (x = X / Z^2, y = Y / Z^3). */
void p256_to_affine(union p256_slot *slots, unsigned count, p256_fe *scratch)
{
    p256_fe inv, t, x, y;
    unsigned i;

    p256_fe_copy(scratch[0], slots[0].jac.z);
    for (i = 1; i < count; i++) {
        p256_fe_mul(scratch[i], scratch[i - 1], slots[i].jac.z);
    }
    p256_fe_inv(inv, scratch[count - 1]);
    for (i = count - 1; i > 0; i--) {
        p256_fe_mul(scratch[i], inv, scratch[i - 1]); /* 1/Z_i */
        p256_fe_mul(inv, inv, slots[i].jac.z);        /* 1/(Z_0 ... Z_(i-1)) */
    }
    p256_fe_copy(scratch[0], inv);
    for (i = 0; i < count; i++) {
        p256_fe_sqr(t, scratch[i]);
        p256_fe_mul(x, slots[i].jac.x, t);
        p256_fe_mul(t, t, scratch[i]);
        p256_fe_mul(y, slots[i].jac.y, t);
        /* both read, now the affine form over them */
        p256_fe_copy(slots[i].aff.x, x);
        p256_fe_copy(slots[i].aff.y, y);
    }
}

void p256_odd_multiples(union p256_slot *slots, const struct p256_aff *p, unsigned count)
{
    struct p256_jac twice;
    unsigned i;

    set_aff(&slots[0].jac, p, 0);
    p256_dbl(&twice, &slots[0].jac);
    for (i = 1; i < count; i++) {
        p256_add_jac(&slots[i].jac, &slots[i - 1].jac, &twice);
    }
}

const struct p256_aff p256_g = {
    { 0xd898c296u, 0xf4a13945u, 0x2deb33a0u, 0x77037d81u, 0x63a440f2u, 0xf8bce6e5u, 0xe12c4247u,
      0x6b17d1f2u },
    { 0x37bf51f5u, 0xcbb64068u, 0x6b315eceu, 0x2bce3357u, 0x7c0f9e16u, 0x8ee7eb4au, 0xfe1a7f9bu,
      0x4fe342e2u }
};
