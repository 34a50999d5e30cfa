package com.example.thirdparty;

/** Stands in for a third-party ML library class the user cannot annotate. */
public class Regression {

    public double fit(double[] x, double[] y) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += x[i] * y[i];
        }
        return sum;
    }

    public double predict(double x) {
        return 2 * x;
    }

    public String describe() {
        return "regression";
    }

    /** A subclass, captured only when the rule says subtypes count. */
    public static class Ridge extends Regression {
        @Override
        public double predict(double x) {
            return 3 * x;
        }
    }
}
