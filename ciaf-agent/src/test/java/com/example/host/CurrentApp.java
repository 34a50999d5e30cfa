package com.example.host;

import io.ciaf.api.CaptureMetadata;
import io.ciaf.api.Stage;
import io.ciaf.runtime.Ciaf;

/** An instrumented method that adds a value to its own record through Ciaf.current(). */
public final class CurrentApp {

    private CurrentApp() {
    }

    @CaptureMetadata(model = "credit", stage = Stage.VALIDATION, event = "evaluate")
    static double evaluate(int folds) {
        double accuracy = 0.94;
        Ciaf.current().put("accuracy", accuracy).put("folds_used", folds);
        return accuracy;
    }

    public static void main(String[] args) {
        System.out.println("accuracy: " + evaluate(5));
    }
}
