package dev.accel.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code accel} command-line tool: a small dispatcher over {@link Command}s. Add a subcommand
 * by implementing {@link Command} and registering it in {@link #commands()}.
 */
public final class Main {
  private Main() {}

  /** Every subcommand, in the order {@code help} lists them. */
  static Map<String, Command> commands() {
    Map<String, Command> m = new LinkedHashMap<>();
    for (Command c : List.of(new DevicesCommand(), new SelfTestCommand(), new StatsCommand(),
        new SpeedCommand())) {
      m.put(c.name(), c);
    }
    m.put("help", new HelpCommand(m));
    return m;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs {@code args} and returns the exit status (tests call this instead of main). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, Command> cmds = commands();
    String name = args.length == 0 ? "help" : args[0];
    if (name.equals("--help") || name.equals("-h")) {
      name = "help";
    }
    if (name.equals("--version") || name.equals("-V") || name.equals("version")) {
      out.println("accel " + dev.accel.AccelProvider.VERSION + " (provider " + dev.accel.AccelProvider.NAME
          + ", Java " + Runtime.version() + ")");
      return 0;
    }
    Command c = cmds.get(name);
    if (c == null) {
      err.println("accel: unknown command '" + name + "'");
      try {
        cmds.get("help").run(List.of(), err, err);
      } catch (Exception ignored) {
        // help cannot fail
      }
      return 2;
    }
    List<String> rest = args.length == 0 ? List.of() : Arrays.asList(args).subList(1, args.length);
    if (rest.contains("--help") || rest.contains("-h")) {
      out.printf("usage: accel %s [args]%n  %s%n", c.name(), c.summary());
      return 0;
    }
    try {
      return c.run(rest, out, err);
    } catch (Command.UsageException e) {
      err.println("accel " + name + ": " + e.getMessage() + " (accel " + name + " --help)");
      return 2; // a usage error: no stack trace, the exit status scripts test for
    } catch (Exception e) {
      err.println("accel " + name + ": " + e);
      return 1;
    }
  }

  private static final class HelpCommand implements Command {
    private final Map<String, Command> commands;

    HelpCommand(Map<String, Command> commands) {
      this.commands = commands;
    }

    @Override
    public String name() {
      return "help";
    }

    @Override
    public String summary() {
      return "list the commands";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
      out.println("usage: accel <command> [args]   (accel <command> --help, accel --version)");
      out.println();
      for (Command c : commands.values()) {
        out.printf("  %-12s %s%n", c.name(), c.summary());
      }
      return 0;
    }
  }
}
