package com.example.thirdparty;

/** Stands in for a third-party library interface: its methods have no code, its implementations do. */
public interface Model {

    double predict(double x);
}
