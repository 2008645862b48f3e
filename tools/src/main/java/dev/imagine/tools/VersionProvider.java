package dev.imagine.tools;

import picocli.CommandLine;

/** The version printed by {@code imagine --version}: the jar's implementation version, else "development build". */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = ImagineMain.class.getPackage().getImplementationVersion();
        return new String[]{"imagine " + (version == null ? "0.1.0-SNAPSHOT" : version),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }
}
