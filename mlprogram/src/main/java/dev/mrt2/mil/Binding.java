package dev.mrt2.mil;

/**
 * One argument binding (MIL.proto Argument.Binding): by name to an earlier value, or an inline value.
 * Our writer always binds by name; the reader accepts both.
 */
public record Binding(String name, ConstValue value) {
    public Binding {
        if ((name == null) == (value == null)) {
            throw new IllegalArgumentException("a binding holds exactly one of name or value");
        }
    }

    public static Binding of(String name) {
        return new Binding(name, null);
    }

    public static Binding inline(ConstValue value) {
        return new Binding(null, value);
    }

    public boolean isName() {
        return name != null;
    }
}
