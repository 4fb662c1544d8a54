package io.ringwire.cli.sysctl;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ringwire sysctl diff|apply}: compares the machine with a profile from {@code sysctl/}, or
 * applies one. See sysctl/README.md for the profiles and the raise-only rule.
 */
@Command(name = "sysctl", mixinStandardHelpOptions = true,
        description = "Compare this machine's sysctls with a profile from sysctl/ (diff), or apply one (apply).",
        subcommands = {SysctlDiffCommand.class, SysctlApplyCommand.class})
public final class SysctlCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand; one of: diff, apply");
    }

    /** Loads the profile {@code --profile} names, or fails as a bad argument naming the option. */
    static Profile loadProfile(CommandSpec spec, String option, String nameOrPath) {
        try {
            return Profile.read(ProfileLocator.resolve(nameOrPath));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": cannot read " + nameOrPath
                    + ": " + Applier.describe(e));
        }
    }
}
