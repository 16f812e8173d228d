"""MuJoCo scenes with a Shadow Hand and a Rubik's cube."""
