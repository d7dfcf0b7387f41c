"""EVA hearings: screening, the change and its alternatives, the impact matrix, the hearing,
the answer to residents, the EVA report and the yearly register."""
