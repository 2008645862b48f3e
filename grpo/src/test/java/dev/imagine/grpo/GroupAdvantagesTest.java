package dev.imagine.grpo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GroupAdvantagesTest {
    @Test
    void advantagesHaveZeroMeanAndUnitStd() {
        float[] adv = GroupAdvantages.normalise(new float[]{-1f, 0.5f, 2.5f, 1f}, 0f);
        double mean = 0, sq = 0;
        for (float a : adv) mean += a;
        mean /= adv.length;
        for (float a : adv) sq += (a - mean) * (a - mean);
        assertEquals(0, mean, 1e-6);
        assertEquals(1, Math.sqrt(sq / adv.length), 1e-6);
        // the order of rewards is kept: the best rollout gets the largest advantage
        assertEquals(2, indexOfMax(adv));
    }

    @Test
    void equalRewardsGiveNoSignal() {
        assertArrayEquals(new float[]{0f, 0f, 0f}, GroupAdvantages.normalise(new float[]{0.7f, 0.7f, 0.7f}, 1e-4f));
    }

    @Test
    void rejectsEmptyAndNonFinite() {
        assertThrows(IllegalArgumentException.class, () -> GroupAdvantages.normalise(new float[0], 1e-4f));
        assertThrows(IllegalArgumentException.class, () -> GroupAdvantages.normalise(new float[]{1f, Float.NaN}, 1e-4f));
    }

    private static int indexOfMax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
        return best;
    }
}
