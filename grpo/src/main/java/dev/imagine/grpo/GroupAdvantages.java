package dev.imagine.grpo;

/**
 * GRPO's group-relative advantages: each of the G rollouts of one prompt is scored against its own
 * group, A_i = (r_i − mean(r)) / (std(r) + eps), so no value network is needed.
 *
 * <p>Usage: {@code float[] adv = GroupAdvantages.normalise(rewards, 1e-4f);}
 */
public final class GroupAdvantages {
    private GroupAdvantages() {
    }

    /**
     * Advantages of one group. A group whose rewards are all equal carries no learning signal: every
     * advantage is 0. The standard deviation is the population one (divide by G), as in DeepSeekMath.
     */
    public static float[] normalise(float[] rewards, float eps) {
        if (rewards.length == 0) throw new IllegalArgumentException("a GRPO group needs at least one reward");
        double mean = 0;
        for (float r : rewards) {
            if (!Float.isFinite(r)) throw new IllegalArgumentException("reward is not finite: " + r);
            mean += r;
        }
        mean /= rewards.length;
        double var = 0;
        for (float r : rewards) var += (r - mean) * (r - mean);
        double std = Math.sqrt(var / rewards.length);
        float[] adv = new float[rewards.length];
        if (std == 0) return adv;
        for (int i = 0; i < rewards.length; i++) adv[i] = (float) ((rewards[i] - mean) / (std + eps));
        return adv;
    }
}
