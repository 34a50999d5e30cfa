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

    /** What Spring's CGLIB makes of a bean of this class: a subclass whose methods call the originals. */
    public static class Ridge$$SpringCGLIB$$0 extends Ridge {
        @Override
        public double predict(double x) {
            return super.predict(x);
        }
    }

    /** A subclass, captured only when the rule says subtypes count. */
    public static class Ridge extends Regression {
        @Override
        public double predict(double x) {
            return 3 * x;
        }
    }
}
