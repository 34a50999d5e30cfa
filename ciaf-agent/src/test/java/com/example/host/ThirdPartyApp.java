package com.example.host;

import com.example.thirdparty.Regression;

/** Calls library methods that only configuration names for capture. */
public final class ThirdPartyApp {

    private ThirdPartyApp() {
    }

    public static void main(String[] args) {
        Regression r = new Regression();
        System.out.println("fit: " + r.fit(new double[] {1, 2}, new double[] {3, 4}));
        System.out.println("predict: " + r.predict(5));
        System.out.println("describe: " + r.describe());
        System.out.println("ridge: " + new Regression.Ridge().predict(5));
        System.out.println("proxied ridge: " + new Regression.Ridge$$SpringCGLIB$$0().predict(5));
        System.out.println("lookalike: " + new net.bytebuddy.example.Lookalike().run());
        // the agent leaves no Byte Buddy system property behind
        System.out.println("properties: " + System.getProperties().stringPropertyNames().stream()
                .filter(n -> n.contains("bytebuddy") || n.contains("nexus")).sorted().toList());
    }
}
