package io.ciaf.agent;

import io.ciaf.runtime.CaptureHooks;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Inlined around every captured method. Static, stateless, and {@code suppress = Throwable.class}: whatever
 * happens in here, the method's own arguments, result and exceptions are untouched.
 */
final class CaptureAdvice {

    private CaptureAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.Origin Class<?> type, @Advice.Origin("#m#d") String signature,
            @Advice.AllArguments Object[] args) {
        return CaptureHooks.enter(type, signature, args);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object token, @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object result,
            @Advice.Thrown Throwable thrown) {
        CaptureHooks.exit(token, result, thrown);
    }
}
