"""Browser side of the calculator: JS/CSS beside a tiny Python bridge used inside Pyodide."""
