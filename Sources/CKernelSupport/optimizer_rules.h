// The built-in optimizers' update rules, written once and compiled once per
// instruction-set path: kernels_avx512.c, kernels_avx2.c and
// kernels_portable.c each include this file inside a
// `#pragma clang attribute` that gives every function its path's `target`,
// with OPTBENCH_RULE(name) naming that path's copies.
//
// Each rule is Keras's arithmetic, every product and sum rounded to float and
// no fused multiply-add (`fp contract(off)`), so all paths, and the vector
// and the scalar tail of one path, give the same bits. `sqrt` and `/` are
// correctly rounded on every path. Vectors of 16 floats use clang's
// `ext_vector_type`, which each path lowers to its own registers (one zmm,
// two ymm, four xmm or NEON q registers).

#pragma clang fp contract(off)

typedef float optbench_rule_v16 __attribute__((ext_vector_type(16), aligned(4)));

/// Gradient descent with momentum `mu` (plain when `mu == 0`):
///
///     mu = 0:  w ← w − (lr·g)
///     mu > 0:  v ← (mu·v) − (lr·g);  w ← w + v    (Nesterov: w ← w + ((mu·v) − (lr·g)))
static void OPTBENCH_RULE(sgd_update)(long count, float *w, const float *g, float *v,
                                      float lr, float mu, int nesterov) {
    long i = 0;
    if (mu == 0.0f) {
        for (; i + 16 <= count; i += 16) {
            optbench_rule_v16 wi = *(const optbench_rule_v16 *)(w + i), gi = *(const optbench_rule_v16 *)(g + i);
            *(optbench_rule_v16 *)(w + i) = wi - lr * gi;
        }
        for (; i < count; i++) w[i] = w[i] - lr * g[i];
        return;
    }
    for (; i + 16 <= count; i += 16) {
        optbench_rule_v16 gi = *(const optbench_rule_v16 *)(g + i);
        optbench_rule_v16 vi = mu * *(const optbench_rule_v16 *)(v + i) - lr * gi;
        *(optbench_rule_v16 *)(v + i) = vi;
        optbench_rule_v16 step = nesterov ? mu * vi - lr * gi : vi;
        *(optbench_rule_v16 *)(w + i) = *(const optbench_rule_v16 *)(w + i) + step;
    }
    for (; i < count; i++) {
        float vi = mu * v[i] - lr * g[i];
        v[i] = vi;
        float step = nesterov ? mu * vi - lr * g[i] : vi;
        w[i] = w[i] + step;
    }
}

/// RMSprop (Keras): s ← rho·s + (1−rho)·g²; with `centered`, a ← rho·a + (1−rho)·g
/// and d = s − a², else d = s; inc = (lr·g) / √(d + eps); with momentum
/// m ← mu·m + inc and w ← w − m, else w ← w − inc.
static void OPTBENCH_RULE(rmsprop_update)(long count, float *w, const float *g, float *s, float *m, float *a,
                                          float lr, float rho, float one_minus_rho, float mu, float eps,
                                          int centered) {
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        optbench_rule_v16 gi = *(const optbench_rule_v16 *)(g + i);
        optbench_rule_v16 si = rho * *(const optbench_rule_v16 *)(s + i) + one_minus_rho * (gi * gi);
        *(optbench_rule_v16 *)(s + i) = si;
        optbench_rule_v16 d = si;
        if (centered) {
            optbench_rule_v16 ai = rho * *(const optbench_rule_v16 *)(a + i) + one_minus_rho * gi;
            *(optbench_rule_v16 *)(a + i) = ai;
            d -= ai * ai;
        }
        optbench_rule_v16 increment = (lr * gi) / __builtin_elementwise_sqrt(d + eps);
        if (mu > 0.0f) {
            optbench_rule_v16 mi = mu * *(const optbench_rule_v16 *)(m + i) + increment;
            *(optbench_rule_v16 *)(m + i) = mi;
            *(optbench_rule_v16 *)(w + i) = *(const optbench_rule_v16 *)(w + i) - mi;
        } else {
            *(optbench_rule_v16 *)(w + i) = *(const optbench_rule_v16 *)(w + i) - increment;
        }
    }
    for (; i < count; i++) {
        float gi = g[i];
        float si = rho * s[i] + one_minus_rho * (gi * gi);
        s[i] = si;
        float d = si;
        if (centered) {
            float ai = rho * a[i] + one_minus_rho * gi;
            a[i] = ai;
            d -= ai * ai;
        }
        float increment = (lr * gi) / __builtin_elementwise_sqrt(d + eps);
        if (mu > 0.0f) {
            float mi = mu * m[i] + increment;
            m[i] = mi;
            w[i] = w[i] - mi;
        } else {
            w[i] = w[i] - increment;
        }
    }
}

/// Adam (Keras): m ← m + (g − m)·(1−β₁); v ← v + (g² − v)·(1−β₂); with
/// AMSGrad v̂ ← max(v̂, v) (v̂ kept where v is NaN) and v ← v̂;
/// w ← w − (m·α) / (√v + ε), with `alpha` the step's bias-corrected rate.
static void OPTBENCH_RULE(adam_update)(long count, float *w, const float *g, float *m, float *v, float *v_hat,
                                       float alpha, float one_minus_beta1, float one_minus_beta2, float eps,
                                       int amsgrad) {
    long i = 0;
    for (; i + 16 <= count; i += 16) {
        optbench_rule_v16 gi = *(const optbench_rule_v16 *)(g + i);
        optbench_rule_v16 mi = *(const optbench_rule_v16 *)(m + i);
        mi += (gi - mi) * one_minus_beta1;
        *(optbench_rule_v16 *)(m + i) = mi;
        optbench_rule_v16 vi = *(const optbench_rule_v16 *)(v + i);
        vi += (gi * gi - vi) * one_minus_beta2;
        *(optbench_rule_v16 *)(v + i) = vi;
        if (amsgrad) {
            optbench_rule_v16 hi = *(const optbench_rule_v16 *)(v_hat + i);
            vi = hi < vi ? vi : hi;
            *(optbench_rule_v16 *)(v_hat + i) = vi;
        }
        *(optbench_rule_v16 *)(w + i) = *(const optbench_rule_v16 *)(w + i)
            - (mi * alpha) / (__builtin_elementwise_sqrt(vi) + eps);
    }
    for (; i < count; i++) {
        float gi = g[i];
        float mi = m[i];
        mi += (gi - mi) * one_minus_beta1;
        m[i] = mi;
        float vi = v[i];
        vi += (gi * gi - vi) * one_minus_beta2;
        v[i] = vi;
        if (amsgrad) {
            float hi = v_hat[i];
            vi = hi < vi ? vi : hi;
            v_hat[i] = vi;
        }
        w[i] = w[i] - (mi * alpha) / (__builtin_elementwise_sqrt(vi) + eps);
    }
}

#pragma clang fp contract(on)
