package io.ringwire.cli.sysctl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A fake /proc/sys in a temporary directory: keys as files, values as the kernel prints them. */
final class FakeProcSys {
    final Path root;

    FakeProcSys(Path root) {
        this.root = root;
    }

    /** Sets a key the way the kernel shows it: elements separated by tabs, then a newline. */
    FakeProcSys set(String key, String value) {
        Path p = root.resolve(key.replace('.', '/'));
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, value.replace(' ', '\t') + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    String get(String key) {
        try {
            return Files.readString(root.resolve(key.replace('.', '/'))).strip().replaceAll("\\s+", " ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SysctlTree tree() {
        return new SysctlTree(root);
    }
}
