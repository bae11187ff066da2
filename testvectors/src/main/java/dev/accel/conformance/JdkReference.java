package dev.accel.conformance;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Objects;

/**
 * The JDK's own providers (SUN, SunRsaSign, SunJCE) presented as one {@link Provider}, so that the reference
 * side of every comparison is "what the JDK does" regardless of how the services are spread over providers.
 * Services are looked up in the original providers (aliases included) and instantiated there.
 */
public final class JdkReference extends Provider {

    private static final JdkReference INSTANCE = new JdkReference();

    private final List<Provider> delegates;

    private JdkReference() {
        super("JdkReference", "1", "SUN + SunRsaSign + SunJCE (reference for conformance tests)");
        delegates = List.of(
                Objects.requireNonNull(Security.getProvider("SUN"), "SUN provider missing"),
                Objects.requireNonNull(Security.getProvider("SunRsaSign"), "SunRsaSign provider missing"),
                Objects.requireNonNull(Security.getProvider("SunJCE"), "SunJCE provider missing"));
    }

    public static JdkReference get() {
        return INSTANCE;
    }

    @Override
    public synchronized Service getService(String type, String algorithm) {
        for (Provider p : delegates) {
            Service s = p.getService(type, algorithm);
            if (s != null) {
                return new Delegating(this, s);
            }
        }
        return null;
    }

    private static final class Delegating extends Service {
        private final Service target;

        Delegating(Provider owner, Service target) {
            super(owner, target.getType(), target.getAlgorithm(), target.getClassName(), null, null);
            this.target = target;
        }

        @Override
        public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
            return target.newInstance(constructorParameter);
        }

        @Override
        public boolean supportsParameter(Object parameter) {
            return target.supportsParameter(parameter);
        }
    }
}
