package dev.accel.cli;

import java.io.PrintStream;
import java.util.List;

/** One subcommand of {@code accel}; register new ones in {@link Main#commands()}. */
public interface Command {
  /** The word typed on the command line, e.g. {@code devices}. */
  String name();

  /** One line for {@code accel help}. */
  String summary();

  /**
   * Runs the command.
   *
   * @return the process exit status (0 = success)
   */
  int run(List<String> args, PrintStream out, PrintStream err) throws Exception;

  /** A command line the command cannot use: {@link Main} prints the message and exits 2. */
  final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
      super(message);
    }
  }

  /** The value after option {@code args[i]}, or a {@link UsageException} naming the option. */
  static String value(List<String> args, int i) {
    if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
      throw new UsageException(args.get(i) + " needs a value");
    }
    return args.get(i + 1);
  }

  /** {@link #value} as a number, or a {@link UsageException} naming the option and the text. */
  static double number(List<String> args, int i) {
    String v = value(args, i);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new UsageException(args.get(i) + " wants a number, got '" + v + "'");
    }
  }
}
