package onekey.softphone.sip;

import gov.nist.core.ServerLogger;
import gov.nist.core.StackLogger;
import gov.nist.javax.sip.message.SIPMessage;
import java.util.Properties;
import javax.sip.SipStack;

/**
 * JAIN-SIP's loggers without log4j 1.x (an old, unmaintained library the stack would otherwise need): errors and
 * warnings go to stderr, everything else is dropped. Set with the stack properties
 * {@code gov.nist.javax.sip.STACK_LOGGER} and {@code gov.nist.javax.sip.SERVER_LOGGER}.
 */
public final class QuietSipLog {
    private QuietSipLog() {
    }

    public static final class Stack implements StackLogger {
        @Override
        public void logStackTrace() {
        }

        @Override
        public void logStackTrace(int level) {
        }

        @Override
        public int getLineCount() {
            return 0;
        }

        @Override
        public void logException(Throwable t) {
            System.err.println("sip: " + t);
        }

        @Override
        public void logDebug(String m) {
        }

        @Override
        public void logDebug(String m, Exception e) {
        }

        @Override
        public void logTrace(String m) {
        }

        @Override
        public void logFatalError(String m) {
            System.err.println("sip: fatal: " + m);
        }

        @Override
        public void logError(String m) {
            System.err.println("sip: error: " + m);
        }

        @Override
        public boolean isLoggingEnabled() {
            return false;
        }

        @Override
        public boolean isLoggingEnabled(int level) {
            return level <= TRACE_ERROR;
        }

        @Override
        public void logError(String m, Exception e) {
            System.err.println("sip: error: " + m + ": " + e);
        }

        @Override
        public void logWarning(String m) {
        }

        @Override
        public void logInfo(String m) {
        }

        @Override
        public void disableLogging() {
        }

        @Override
        public void enableLogging() {
        }

        @Override
        public void setBuildTimeStamp(String s) {
        }

        @Override
        public void setStackProperties(Properties p) {
        }

        @Override
        public String getLoggerName() {
            return "onekey-sip";
        }
    }

    public static final class Server implements ServerLogger {
        @Override
        public void closeLogFile() {
        }

        @Override
        public void logMessage(SIPMessage m, String from, String to, boolean sender, long time) {
        }

        @Override
        public void logMessage(SIPMessage m, String from, String to, String status, boolean sender, long time) {
        }

        @Override
        public void logMessage(SIPMessage m, String from, String to, String status, boolean sender) {
        }

        @Override
        public void logException(Exception e) {
        }

        @Override
        public void setStackProperties(Properties p) {
        }

        @Override
        public void setSipStack(SipStack s) {
        }
    }
}
