package io.ciaf.agent.aspectj;

import java.lang.reflect.Method;

import io.ciaf.runtime.CaptureHooks;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;

/**
 * The AspectJ route to the same records as the agent: weave it at compile time (AspectJ Maven plugin,
 * {@code aspectLibraries}: io.ciaf:ciaf-agent) or at load time ({@code -javaagent:aspectjweaver.jar} with
 * this jar on the class path; its {@code META-INF/aop.xml} declares the aspect). Use one route per
 * application; if the CIAF agent runs too, this aspect steps aside (and says so once) so that each call is
 * recorded once. The method's result and exceptions pass through unchanged.
 */
@Aspect
public class CaptureMetadataAspect {

    @Around("(execution(@io.ciaf.api.CaptureMetadata * *(..)) || (execution(public * *(..))"
            + " && within(@io.ciaf.api.CaptureMetadata *) && !execution(String toString())"
            + " && !execution(int hashCode()) && !execution(boolean equals(Object)))) && !within(io.ciaf..*)")
    public Object capture(ProceedingJoinPoint call) throws Throwable {
        Object token = enter(call);
        Object result;
        try {
            result = call.proceed();
        } catch (Throwable thrown) {
            CaptureHooks.exit(token, null, thrown);
            throw thrown;
        }
        CaptureHooks.exit(token, result, null);
        return result;
    }

    private static Object enter(ProceedingJoinPoint call) {
        try {
            Method method = ((MethodSignature) call.getStaticPart().getSignature()).getMethod();
            return CaptureHooks.enter(method, call.getArgs());
        } catch (Throwable t) {
            return null;
        }
    }
}
