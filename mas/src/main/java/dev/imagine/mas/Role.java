package dev.imagine.mas;

import java.util.Locale;

/** The three teacher roles of IMAGINE's multi-agent system. */
public enum Role {
    REASONER, JUDGE, REFLECTOR;

    /** Lower-case name used in config keys, prompt file names and trace column prefixes. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
