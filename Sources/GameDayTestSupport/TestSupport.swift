public enum GameDayTestSupport {}
