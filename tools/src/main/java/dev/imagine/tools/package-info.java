/** The {@code imagine} command-line program: one class per command, thin over the modules' APIs. */
package dev.imagine.tools;
